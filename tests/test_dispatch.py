"""Named routing in the library: with the example directory, answers name the unit that must act."""

from __future__ import annotations

import pytest

from triage.dispatch import load_directory


@pytest.fixture(scope="module")
def named(triager):
    """The shipped model, naming units from the example district's directory."""
    return triager.with_directory(load_directory())


def test_a_staff_compound_its_factory_no_longer_runs_goes_to_its_community_by_name(named):
    r = named.triage("农机厂家属院里的下水道堵了，污水横流")
    assert (r.category, r.route, r.route_name) == ("drainage", "community", "社区居委会")
    assert r.unit == {"code": "M03", "name": "河西社区居委会", "kind": "community"}
    assert r.place == {"span": "农机厂家属院", "start": 0, "end": 6, "kind": "compound", "compound": "C08",
                       "confidence": 0.95}
    decided = r.explanation["route"]["directory"]
    assert decided["compound"] == "C08" and decided["unit"] == "M03"
    assert decided["decided_by"] == "directory: C08 has no manager"
    assert decided["route_changed"] == {"from": "owner_unit", "to": "community"}  # the text alone said 厂家属院


def test_a_staff_compound_run_by_its_work_unit_goes_to_that_unit(named):
    r = named.triage("铁路机务段家属院里的下水道堵了好几处，污水横流")
    assert r.route == "owner_unit" and r.unit["name"] == "青禾机务段"
    assert "由青禾机务段管理" in r.unit_reason


def test_a_managed_estate_goes_to_its_property_company_by_name(named):
    r = named.triage("锦绣花园小区地库车位被物业卖给外人，业主没地方停车")
    assert (r.route, r.unit["code"], r.unit["name"]) == ("property", "P01", "安居物业服务有限公司")
    assert r.explanation["route"]["directory"]["decided_by"] == "directory: C01 managed by P01"


def test_a_courtyard_the_caller_says_has_no_manager_goes_to_its_community(named):
    r = named.triage("书院街八号院没有物业，楼道里的水管爆了，水流得满地都是")
    assert (r.route, r.unit["code"]) == ("community", "M02")
    assert r.place["compound"] == "C12" and r.place["span"] == "书院街八号院"


def test_a_road_problem_goes_to_the_department_the_directory_lists(named):
    r = named.triage("文化大道上路灯一整段全不亮，晚上很黑")
    assert r.route == "streetlight_authority"
    assert r.unit == {"code": "G02", "name": "青禾区城市照明管理所", "kind": "district_department"}


def test_an_unknown_compound_keeps_the_route_code_and_says_why_no_unit(named):
    r = named.triage("幸福里小区楼道灯坏了好几个月了，物业不管")
    assert r.route == "property" and r.unit is None
    assert r.unit_reason == "未识别出目录中的小区、家属院或楼院，只给出责任类别"
    assert r.place["span"] == "幸福里小区" and r.place["compound"] is None


def test_offsets_are_in_the_callers_text_even_when_normalising_moves_them(named):
    text = "投诉：  文昌路３号院  楼道灯不亮"  # spaces collapse and the digit is full width
    r = named.triage(text)
    assert r.place["compound"] == "C09"
    assert text[r.place["start"]:r.place["end"]] == r.place["span"] == "文昌路３号院"


def test_without_a_directory_answers_are_as_before_and_say_so(triager, named):
    text = "农机厂家属院里的下水道堵了，污水横流"
    plain = triager.triage(text)
    assert plain.route == "owner_unit" and plain.place is None and plain.unit is None
    assert plain.unit_reason == "未加载派单目录" and "directory" not in plain.explanation["route"]
    assert triager.directory is None  # with_directory gave a copy; the shared Triager is unchanged

"""Place extraction: directory names in every written form, address ranges, and names the directory lacks."""

from __future__ import annotations

import pytest

from triage.dispatch import PlaceFinder, load_directory
from triage.dispatch.names import arabic_to_chinese, chinese_number, variants
from triage.text.normalize import normalize


@pytest.fixture(scope="module")
def finder() -> PlaceFinder:
    return PlaceFinder(load_directory())


@pytest.mark.parametrize(("text", "compound"), [
    ("文昌路3号院的下水道堵了", "C09"),
    ("文昌路三号院的下水道堵了", "C09"),
    ("河西街十七号院楼道灯坏了", "C11"),
    ("纺织厂家属楼的水管爆了", "C05"),
    ("纺织厂宿舍的水管爆了", "C05"),
    ("青禾区文昌街道锦绣花园小区停车难", "C01"),
    ("锦绣花园地库车位乱收费", "C01"),
    ("文昌路12号楼下积水", "C01"),  # 2-30 even: 锦绣花园小区's addresses
])
def test_a_compound_is_found_however_it_is_written(finder, text, compound):
    place = finder.best(text)
    assert place is not None and place.compound == compound and place.kind == "compound"
    assert text[place.start:place.end] == place.span


def test_the_span_takes_in_the_districts_written_before_the_name(finder):
    place = finder.best("我住在青禾区文昌街道锦绣花园小区，车位被占")
    assert place.span == "青禾区文昌街道锦绣花园小区" and place.start == 3


def test_an_odd_number_outside_an_even_range_is_no_compound(finder):
    place = finder.best("文昌路13号门前积水")
    assert place.compound is None and place.kind == "address" and place.span == "文昌路13号"


@pytest.mark.parametrize(("text", "span", "kind"), [
    ("A市A3区枫林路奥园小区停水三天", "A市A3区枫林路奥园小区", "compound"),
    ("反映A7县东三路与望仙路口红绿灯坏了", "A7县东三路与望仙路口", "road"),
    ("A市A5区黎托乡大桥村七组没通自来水", "A市A5区黎托乡大桥村七组", "village"),
    ("A8县什么时候通天然气", "A8县", "district"),
])
def test_masked_names_the_directory_does_not_list(text, span, kind):
    place = PlaceFinder().best(text)
    assert (place.span, place.kind, place.compound) == (span, kind, None)


@pytest.mark.parametrize("text", ["我们小区停水了", "整个小区都没水", "今年的暖气一直不热"])
def test_words_that_name_nothing_are_no_place(text):
    assert PlaceFinder().best(text) is None


def test_a_place_key_is_the_same_for_every_form_of_a_compound(finder):
    texts = ("文昌路3号院漏水", "文昌路三号院停水", "青禾区文昌路３号院没人管")  # the Triager reads normalised text
    assert {finder.best(normalize(t)).key for t in texts} == {"compound:C09"}
    assert PlaceFinder().best("河畔花园小区停水").key == "compound:河畔花园小区"


def test_numerals_and_name_forms():
    assert chinese_number("二十三") == 23 and chinese_number("一百零八") == 108 and chinese_number("甲") is None
    assert [arabic_to_chinese(n) for n in (3, 10, 17, 40, 108)] == ["三", "十", "十七", "四十", "一百零八"]
    assert variants("A3区3号院") >= {"3号院", "三号院", "A3区三号院"}
    assert "二七区12号楼" in variants("二七区十二号楼") and "27区十二号楼" not in variants("二七区十二号楼")


def test_a_form_two_compounds_share_goes_to_the_one_that_wrote_it():
    from dataclasses import replace

    d = load_directory()
    d.compounds["C10"] = replace(d.compounds["C10"], aliases=("棉纺厂宿舍",))  # C05 has 棉纺厂家属院
    finder = PlaceFinder(d)
    assert finder.best("棉纺厂宿舍停水了").compound == "C10"  # written by C10, only derived by C05
    assert finder.best("棉纺厂家属院停水了").compound == "C05"
    both = finder.best("棉纺厂家属楼停水了")  # derived by both: the directory cannot say which
    assert (both.span, both.compound) == ("棉纺厂家属楼", None)

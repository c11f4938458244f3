"""Every routing rule, exercised by examples (the learned tie-break is given explicitly)."""

import pytest

from triage.rules.cues import CueLexicon
from triage.rules.policy import Policy
from triage.rules.routing import Router
from triage.text.normalize import normalize

CUES = CueLexicon.load()
ROUTER = Router(Policy.load(cues=CUES))


def route(category: str, text: str, proba: dict[str, float] | None = None):
    return ROUTER.route(category, CUES.match(normalize(text)), proba)


EXAMPLES = [
    ("gas", "单元门口有很重的煤气味，赶紧派人来看看", "gas_utility", ["R1-gas"]),
    ("gas", "我们院一直用罐装液化气，想申请通天然气", "gas_utility", ["R1-gas"]),
    ("water", "我们片区从昨晚停水到现在，自来水公司也没通知", "water_utility", ["R2-water-utility"]),
    ("water", "水表冻裂了，换表要收三百块", "water_utility", ["R2-water-utility"]),
    ("water", "小区二次供水的加压泵坏了，物业公司不修", "property", ["R2-water-compound", "R7-property"]),
    ("water", "三号楼楼道水管爆了，楼里没有物业没人管", "community", ["R2-water-compound", "R7-no-manager"]),
    ("water", "机务段家属院的水箱好几年没洗过", "owner_unit", ["R2-water-compound", "R7-work-unit"]),
    ("drainage", "文化路和农业路交叉口积水半米深", "drainage_authority", ["R3-drainage-road"]),
    ("drainage", "院子里化粪池满了往外冒", "property", ["R3-drainage-compound", "R7-property"]),
    ("drainage", "化肥厂职工宿舍的化粪池满了", "owner_unit", ["R3-drainage-compound", "R7-work-unit"]),
    ("drainage", "弃管楼的化粪池满了没人抽", "community", ["R3-drainage-compound", "R7-no-manager"]),
    ("lighting", "建设大道往北一段路灯全不亮", "streetlight_authority", ["R4-lighting-road"]),
    ("lighting", "5号楼楼道灯坏了半个月，物业不换", "property", ["R4-lighting-compound", "R7-property"]),
    ("lighting", "老旧小区三不管，楼道灯全坏了", "community", ["R4-lighting-compound", "R7-no-manager"]),
    ("parking", "人行道上天天停满了车，行人只能走机动车道", "traffic_police", ["R5-parking-road"]),
    ("parking", "有人在公共区域私装地锁占车位", "urban_management", ["R5-parking-lock"]),
    ("parking", "一辆僵尸车落满灰，停了两年没动", "urban_management", ["R5-parking-lock"]),
    ("parking", "小区地库车位被卖给外人，业主没地方停", "property", ["R5-parking-compound", "R7-property"]),
    ("parking", "小区里邻居装了地锁，把公共车位占为己有", "community",
         ["R5-parking-lock-compound", "R7-residents"]),
    ("parking", "路边收费泊位晚上八点以后还收费合理吗", "manual", ["R5-parking-fee"]),
    ("other", "今年的暖气一直不热，屋里才十几度", "manual", ["R6-other"]),
        # rules that leave the choice to the learned route model (no probabilities: the first route listed)
    ("water", "小区二次供水的水箱脏，水质发黄", "water_utility", ["R2-water-both"]),
    ("water", "家里的水龙头一直滴答", "water_utility", ["R2-water-default"]),
    ("drainage", "小区门口马路上的下水道堵了", "drainage_authority", ["R3-drainage-both"]),
    ("drainage", "下水道堵了好几天", "drainage_authority", ["R3-drainage-default"]),
    ("lighting", "小区路灯和外面马路的路灯都不亮", "streetlight_authority", ["R4-lighting-both"]),
    ("lighting", "灯坏了没人修", "streetlight_authority", ["R4-lighting-default"]),
    ("parking", "小区门口马路上停满了车", "traffic_police", ["R5-parking-both"]),
    ("parking", "车乱停，没人管", "traffic_police", ["R5-parking-default"]),
        # negation read in scope: no property company was hired, so the work unit runs it
    ("drainage", "单位房管科自己管的家属院，没有请物业，化粪池满了", "owner_unit",
     ["R3-drainage-compound", "R7-work-unit"]),
    ("drainage", "小区不是没有物业，物业不管化粪池", "property", ["R3-drainage-compound", "R7-property"]),
    ("drainage", "如果没有物业，化粪池满了谁管", "property", ["R3-drainage-compound", "R7-property"]),
]


@pytest.mark.parametrize(("category", "text", "expected_route", "expected_rules"), EXAMPLES)
def test_rule_fires(category, text, expected_route, expected_rules):
    decision = route(category, text)
    assert decision.route == expected_route
    assert list(decision.rules) == expected_rules


def test_every_policy_rule_has_an_example():
    """A rule added to policy.yaml without an example fails here; a removed one fails its example."""
    covered = {rule for *_, rules in EXAMPLES for rule in rules}
    rules = [r.id for section in (*ROUTER.policy.categories.values(), ROUTER.policy.manager) for r in section]
    assert [r for r in rules if r not in covered] == []


def test_the_matched_words_are_reported():
    decision = route("lighting", "老旧小区三不管，楼道灯全坏了")
    assert decision.matched["no_manager"] == ["三不管"]
    assert "楼道灯" in decision.matched["lighting_compound"]
    assert decision.as_dict()["reason"].startswith("院内路灯、楼道灯")


def test_a_work_unit_with_a_property_company_goes_to_the_property_company():
    decision = route("water", "水泥厂家属院现在由物业公司管理，二次供水的水泵坏了")
    assert decision.route == "property"


def test_learned_probabilities_break_a_tie_the_rule_leaves_open():
    text = "小区门口马路上的雨水篦子堵了"  # names both the road and the compound
    to_road = route("drainage", text, {"drainage_authority": 0.8, "manager": 0.2})
    to_manager = route("drainage", text, {"drainage_authority": 0.3, "manager": 0.7})
    assert (to_road.route, to_manager.route) == ("drainage_authority", "property")
    assert to_road.rules[0] == "R3-drainage-both"
    assert to_road.learned == {"drainage_authority": 0.8, "manager": 0.2}


def test_without_cues_or_probabilities_the_first_listed_route_wins():
    decision = route("drainage", "排水不畅")
    assert decision.rules == ("R3-drainage-default",)
    assert decision.route == "drainage_authority"
    assert decision.route_name == "市政排水管理部门"

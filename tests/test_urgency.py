import pytest

from triage.errors import LexiconError
from triage.rules.cues import CueLexicon
from triage.rules.urgency import SafetyRules
from triage.text.normalize import normalize

RULES = SafetyRules.load()


def apply(text: str, learned: str, categories: list[str]):
    return RULES.apply(normalize(text), learned, categories)


@pytest.mark.parametrize(
    ("text", "rule", "category"),
    [
        ("单元门口有很重的煤气味，怕出事", "U1-gas-smell-direct", "gas"),
        ("厨房燃汽管子嘶嘶响，好像在漏", "U1-gas-words", "gas"),
        ("家里漏气了，天然气公司电话打不通", "U1-gas-leak", "gas"),
        ("修路的把燃气管道挖断了", "U1-gas-pipe-broken", "gas"),
        ("厨房里一股刺鼻的怪味，像是从燃气表那里出来的", "U1-gas-smell-perceived", "gas"),
        ("文化路上的井盖被偷了，晚上很危险", "U2-manhole-road", "drainage"),
        ("马路上那个下水井的盖子被人偷走了", "U2-manhole-road", "drainage"),
        ("下水道的污水倒灌进屋，客厅全是", "U3-sewage-into-home", "drainage"),
        ("路边主水管爆裂，水哗哗往外涌", "U4-burst-main", "water"),
        ("路中间的消防栓被撞了，水喷得老高", "U4-gushing", "water"),
        ("楼道水管漏水结冰，早上老人滑倒了", "U5-ice-supply-leak", "water"),
        ("排水管破了，门口结了一层冰，已经摔了两个人", "U5-ice-drain-leak", "drainage"),
        ("屋檐下结冰，有人滑倒了", "U5-ice", None),
        ("路灯杆被车撞得倾斜，随时会倒", "U6-pole", "lighting"),
        ("楼下着火了，私家车把路堵死，消防车进不来", "U7-fire-lane-fire", "parking"),
        ("电梯停在两层中间，我妈被困在里面", "U8-trapped", None),
        ("整个城关镇从昨天起全部停水，到现在还没来水", "U14-large-outage-water", "water"),
        ("全城停气了，饭都做不了", "U14-large-outage-gas", "gas"),
        ("两个小区几千户停电超过24小时了", "U14-large-outage-power", None),
        ("停电了，我爸离不了制氧机，现在喘不上气", "U15-life-support", None),
        ("马路上挖的坑没有围挡，刚才一辆电动车掉进去了", "U16-open-pit", None),
        ("外墙瓷砖还在不断往下掉", "U17-falling-objects", None),
        ("三楼厨房起火了，烟很大", "U18-fire", None),
        ("楼道暖气管爆了，热水喷一地", "U19-heating-burst", None),
    ],
)
def test_safety_rules_read_the_text_not_the_predicted_category(text, rule, category):
    decision = apply(text, "normal", ["other"])   # the model called it "other"
    assert (decision.urgency, decision.rule, decision.category) == ("emergency", rule, category)
    assert decision.decided_by == "rule" and decision.matched


@pytest.mark.parametrize(
    ("text", "scope"),
    [
        ("没有煤气味了，燃气公司已经来修过", "negated"),
        ("上周家里漏气，燃气公司已经修好了", "resolved"),
        ("担心楼道的燃气管会漏气，想请人来检查", "hypothetical"),
        ("去年马路上的井盖被偷过", "past"),
        ("每次下大雨污水都倒灌进屋", "habitual"),
    ],
)
def test_a_danger_out_of_scope_does_not_fire_and_vetoes_a_learned_emergency(text, scope):
    decision = RULES.apply(normalize(text), "emergency", ["other"], detector=0.8, detector_threshold=0.5,
                           calm="normal")
    assert decision.urgency == "normal"
    assert decision.decided_by == "muted"
    assert {m["scope"] for m in decision.muted} == {scope}


def test_a_sure_detector_still_yields_to_no_longer_and_repaired():
    text = normalize("没有煤气味了，燃气公司已经来修过")
    decision = RULES.apply(text, "emergency", ["gas"], detector=0.99, detector_threshold=0.5, calm="normal")
    assert (decision.urgency, decision.decided_by) == ("normal", "muted")


def test_a_detector_that_is_sure_is_not_vetoed_by_words_elsewhere():
    text = normalize("去年马路上的井盖被偷过。今天楼顶的广告牌被风刮得摇摇欲坠")
    decision = RULES.apply(text, "emergency", ["other"], detector=0.97, detector_threshold=0.5, calm="normal")
    assert (decision.urgency, decision.decided_by) == ("emergency", "detector")


def test_the_flood_happening_now_fires_although_it_happens_every_time():
    decision = apply("每次下雨都这样，现在污水已经漫进屋里了", "high", ["drainage"])
    assert (decision.urgency, decision.rule) == ("emergency", "U3-sewage-into-home")


def test_the_detector_decides_the_learned_emergency():
    text = normalize("我家门口那个配电箱噼里啪啦冒火花")
    assert RULES.apply(text, "normal", ["other"], detector=0.9, detector_threshold=0.5).urgency == "emergency"
    calm = RULES.apply(text, "emergency", ["other"], detector=0.1, detector_threshold=0.5, calm="high")
    assert (calm.urgency, calm.decided_by) == ("high", "model")


def test_the_explanation_quotes_the_callers_words():
    original = "樓道裡有煤汽味"
    from triage.text.normalize import trace

    traced = trace(original)
    decision = RULES.apply(traced.text, "normal", ["other"], quote=traced.quote)
    assert decision.matched == ("煤汽味",)


def test_an_outage_that_goes_on_is_raised_to_high():
    decision = apply("从周一停水到现在还没来水", "normal", ["water"])
    assert (decision.urgency, decision.rule) == ("high", "U9-no-water-now")


def test_rules_never_lower_urgency():
    decision = apply("想咨询一下燃气开户费标准", "emergency", ["gas"])
    assert decision.urgency == "emergency"
    assert decision.rule is None


def test_a_gas_application_stays_normal():
    assert apply("我们院一直用罐装液化气，想申请通天然气", "normal", ["gas"]).urgency == "normal"


def test_a_repaired_burst_is_not_raised():
    assert apply("上个月路边水管爆裂，水哗哗往外涌，已经修好了，想问赔偿", "normal", ["water"]).urgency == "normal"


def test_high_rules_keep_their_category_gate():
    assert apply("路灯不亮", "normal", ["other"]).urgency == "normal"
    assert apply("路灯不亮", "normal", ["lighting"]).urgency == "high"


def test_an_emergency_rule_may_not_be_gated_on_the_predicted_category(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n  - {id: a, all: [[x]], categories: [gas], raise_to: emergency}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="reads the text, not the predicted categories"):
        SafetyRules.load(path, cues=CueLexicon.load())


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("rules:\n  - {id: a, all: [[x]], raise_to: urgent}\n", r"rule a: raise_to must be 'high' or 'emergency'"),
        ("rules:\n  - {id: a, all: [], raise_to: high}\n", r"rule a: 'all' must be a non-empty list"),
        ("rules:\n  - {id: a, all: [['@nowhere']], raise_to: high}\n", r"rule a: unknown cue '@nowhere'"),
        ("rules:\n  - {id: a, all: [[x]], raise_to: high, colour: red}\n", r"rule a: unknown keys \['colour'\]"),
        ("rules:\n  - {id: a, all: [[x]], raise_to: high}\n  - {id: a, all: [[y]], raise_to: high}\n",
         "rule a: duplicate id"),
        ("rules: []\n", "needs a non-empty 'rules' list"),
    ],
)
def test_rule_file_errors_name_the_file_and_rule(tmp_path, yaml_text, message):
    path = tmp_path / "rules.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(LexiconError, match=message) as info:
        SafetyRules.load(path, cues=CueLexicon.load())
    assert str(info.value).startswith(str(path))


@pytest.mark.parametrize(
    ("text", "categories", "rule"),
    [
        ("建设大道一段路灯半年没亮过，晚上一片漆黑", ["lighting"], "U10-lights-out"),
        ("单元主下水管一下雨就返水到一楼", ["drainage"], "U11-sewage-backflow"),  # habitual counts for high
        ("小区消防通道常年被私家车占用", ["parking"], "U12-fire-lane-blocked"),
        ("我们小区经常停水，高峰期无水可用", ["water"], "U13-no-water"),
    ],
)
def test_the_guides_high_conventions(text, categories, rule):
    decision = apply(text, "normal", categories)
    assert (decision.urgency, decision.rule) == ("high", rule)


@pytest.mark.parametrize(
    ("text", "categories"),
    [
        ("申请在村道上安装路灯，晚上一片漆黑", ["lighting"]),           # asking for new lights
        ("万一发生火灾，消防车进不来怎么办", ["parking"]),             # a hypothetical
        ("燃气公司宿舍楼下的垃圾车臭味很大", ["other"]),               # the company, not the gas
        ("上个月电梯发生两起困人事件，物业不重视", ["other"]),          # past events
    ],
)
def test_what_the_rules_leave_alone(text, categories):
    decision = apply(text, "normal", categories)
    assert decision.urgency != "emergency"
    assert decision.rule is None or not decision.rule.startswith(("U1", "U7", "U8"))


@pytest.mark.parametrize(
    ("text", "categories", "rule"),
    [
        ("县城自昨天凌晨起全城停水已超过三十小时", ["water"], "U14-large-outage-water"),
        ("停电了，我爸离不了制氧机，现在喘不上气", ["other"], "U15-life-support"),
        ("主街排水沟盖板丢了五块，一米深的沟就敞在人行道上", ["drainage"], "U2-manhole-road"),
    ],
)
def test_large_outages_life_support_and_open_drains_are_emergencies(text, categories, rule):
    assert (apply(text, "normal", categories).urgency, apply(text, "normal", categories).rule) == ("emergency", rule)


def test_a_county_town_with_one_compound_short_of_water_is_not_a_large_outage():
    assert apply("K7县县城某小区经常停水", "normal", ["water"]).rule != "U14-large-outage"


@pytest.mark.parametrize(
    ("text", "categories", "rule"),
    [
        ("新民路中间挖了一个大坑，一个围挡都没有，昨晚有人骑车栽进去了", ["other"], "U16-open-pit"),
        ("外墙瓷砖上周砸坏了车，现在楼下还不断有碎瓷砖掉下来", ["other"], "U17-falling-objects"),
    ],
)
def test_present_dangers_outside_the_five_categories(text, categories, rule):
    decision = apply(text, "normal", categories)
    assert (decision.urgency, decision.rule) == ("emergency", rule)


def test_a_list_of_building_defects_is_not_a_falling_object_emergency():
    text = "交房以来问题不断，墙面开裂严重，瓷砖脱落，物业不管"
    assert apply(text, "normal", ["other"]).rule is None

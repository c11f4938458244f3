"""Scope: one judgement of "is this danger happening now?", used by every safety rule and scoped cue."""

import pytest

from triage.errors import LexiconError
from triage.rules.scope import Scope
from triage.text.normalize import normalize

SCOPE = Scope.load()


def judge(text: str, words: str) -> str:
    text = normalize(text)
    at = text.index(words)
    return SCOPE.judge(text, at, at + len(words))


@pytest.mark.parametrize(
    ("text", "words", "scope"),
    [
        ("单元门口有很重的煤气味，怕出事", "煤气味", "now"),
        ("每次下雨都这样，现在污水已经漫进屋里了", "漫进", "now"),
        ("燃气公司修好了，可是今天又有煤气味", "煤气味", "now"),
        ("没有煤气味了，燃气公司已经来修过", "煤气味", "negated"),
        ("进门就闻不到煤气味了", "煤气味", "negated"),
        ("下午反映的那个煤气味现在没有了", "煤气味", "negated"),
        ("上周漏气，燃气公司已经修好了", "漏气", "resolved"),
        ("井盖昨天被偷了。今天已经补上了。", "被偷", "resolved"),
        ("担心楼道的燃气管会漏气", "漏气", "hypothetical"),
        ("万一有人掉进去怎么办", "掉进", "hypothetical"),
        ("电线老化，存在漏电风险", "漏电", "hypothetical"),
        ("若出现暴雨天气，走廊必定积水，雨水倒灌至室内", "倒灌", "hypothetical"),
        ("看到外地居民楼火灾而消防车进不去的报道", "消防车进不去", "hypothetical"),
        ("每次下大雨污水都倒灌进屋", "倒灌", "habitual"),
        ("去年有人在这里滑倒", "滑倒", "past"),
        ("上个礼拜电梯困了人", "困了人", "past"),
    ],
)
def test_a_danger_is_read_in_its_clause(text, words, scope):
    assert judge(text, words) == scope


def test_a_negation_reaches_through_a_verb_but_no_further():
    assert judge("我们小区没有物业", "物业") == "negated"
    assert judge("单位自己管，没有请物业", "物业") == "negated"      # no property company was hired
    assert judge("没想到物业一直不来", "物业") == "now"                # 没想到 negates nothing here


def test_a_repair_that_did_not_hold_is_not_resolved():
    assert judge("水管爆了，物业说修好了，没过多久又喷水", "爆了") == "now"


def test_only_limits_the_judgements():
    text = normalize("以前没有物业，现在有了")
    at = text.index("没有物业")
    assert SCOPE.judge(text, at, at + 4) == "past"
    assert SCOPE.judge(text, at, at + 4, only=frozenset({"negated"})) == "now"


def test_a_bad_scope_file_is_named(tmp_path):
    path = tmp_path / "scope.yaml"
    path.write_text("negated_before: [没有]\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="needs non-empty word lists") as info:
        Scope.load(path)
    assert str(info.value).startswith(str(path))

"""The public API on the shipped model."""

import pytest

from triage import CATEGORIES, ROUTES, URGENCIES, InputError, TriageResult


def test_one_text(triager):
    r = triager.triage("单元门口有很重的煤气味，怕出事，赶紧派人来看看。")
    assert isinstance(r, TriageResult)
    assert (r.category, r.urgency, r.route, r.route_name) == ("gas", "emergency", "gas_utility", "燃气企业")
    assert r.categories[0] == "gas"
    assert 0.0 < r.confidence <= 1.0
    assert r.model_version == triager.version
    assert r.explanation["route"]["rules"] == ["R1-gas"]
    assert r.explanation["urgency"]["rule"].startswith("U1")


def test_a_heating_complaint_is_other_and_goes_to_manual(triager):
    r = triager.triage("今年的暖气一直不热，屋里才十几度，供暖公司也不来看。")
    assert (r.category, r.route) == ("other", "manual")


def test_a_batch_keeps_order_and_matches_single_calls(triager):
    texts = ["小区停水两天了还没来水", "建设路口的井盖被偷了，晚上很危险", "人行道上天天停满了车"]
    batch = triager.triage_many(texts)
    assert [r.as_dict() for r in batch] == [triager.triage(t).as_dict() for t in texts]


def test_every_answer_uses_contract_codes(triager, corpus):
    for r in triager.triage_many([row["text"] for row in corpus[:300]]):
        assert r.category in CATEGORIES and set(r.categories) <= set(CATEGORIES)
        assert r.urgency in URGENCIES and r.route in ROUTES
        assert r.explanation["route"]["rules"], "every route is explained by a rule"


def test_traditional_characters_triage_like_simplified(triager):
    a = triager.triage("樓道裡有很重的煤氣味")
    b = triager.triage("楼道里有很重的煤气味")
    assert (a.category, a.urgency, a.route) == (b.category, b.urgency, b.route)


def test_a_very_long_text_is_handled(triager):
    r = triager.triage("路灯不亮。" * 20_000)
    assert r.category == "lighting"


@pytest.mark.parametrize(("bad", "message"), [("", "item 0: text is empty"), ("  \n ", "item 0: text is empty"),
                                              (None, "item 0: text must be a string, got NoneType")])
def test_bad_input_gets_a_clear_error(triager, bad, message):
    with pytest.raises(InputError, match=message):
        triager.triage(bad)


def test_a_bad_item_in_a_batch_is_named(triager):
    with pytest.raises(InputError, match="item 2: text must be a string, got int"):
        triager.triage_many(["停水了", "路灯坏了", 42])


def test_an_empty_batch(triager):
    assert triager.triage_many([]) == []

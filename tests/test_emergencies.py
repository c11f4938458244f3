"""The safety net on texts written in real registers: it finds emergencies and leaves hard negatives alone."""

from collections import Counter

import pytest

from training.checks import near_duplicate_pairs
from training.safety_report import load_set, measure
from triage.labels import CATEGORIES, ROUTES, URGENCIES

ROWS = load_set()


def test_the_set_is_large_varied_and_follows_the_contract():
    assert len(ROWS) >= 400
    emergencies = sum(r["emergency"] for r in ROWS)
    assert 0.4 <= emergencies / len(ROWS) <= 0.6
    for r in ROWS:
        assert r["emergency"] == (r["urgency"] == "emergency"), r["id"]
        assert r["category"] in CATEGORIES and r["urgency"] in URGENCIES and r["route"] in ROUTES, r["id"]
        assert r["categories"][0] == r["category"], r["id"]
    kinds = Counter(r["kind"] for r in ROWS)
    assert len(kinds) >= 30 and min(kinds.values()) >= 3
    assert len({r["id"] for r in ROWS}) == len(ROWS)


def test_no_two_texts_come_from_one_template():
    assert near_duplicate_pairs([r["text"] for r in ROWS], threshold=0.5, ngram=3) == []


@pytest.fixture(scope="module")
def figures(triager):
    return measure(triager, ROWS)


# The shipped model measures recall 0.991 and precision 0.916 here (python -m training.safety_report).
def test_emergencies_are_found(figures):
    assert figures.recall >= 0.98, figures.misses


def test_hard_negatives_are_not_raised(figures):
    assert figures.precision >= 0.88, figures.misses


def test_a_found_emergency_goes_to_the_party_that_can_act(figures):
    assert figures.route_right / figures.true_pos >= 0.85

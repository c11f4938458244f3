"""The corpus keeps its promises, and its datasheet tells the truth."""

import re
from pathlib import Path

import pytest

from training.checks import check_corpus, near_duplicate_pairs

DATASHEET = Path(__file__).resolve().parent.parent / "training" / "corpus" / "README.md"


@pytest.fixture(scope="module")
def report():
    return check_corpus()


@pytest.mark.slow  # checks the whole corpus
def test_the_corpus_passes_every_check(report):
    assert report.problems == []
    assert report.counts["texts"] >= 3000


@pytest.mark.slow  # checks the whole corpus
def test_the_datasheet_counts_match_the_corpus(report):
    counts = report.counts
    table = re.findall(r"^\| (category|urgency|route|register|split) \| (\w+) \| (\d+) \|$",
                       DATASHEET.read_text(encoding="utf-8"), flags=re.M)
    assert len(table) == 6 + 3 + 10 + 4 + 2
    for field, value, n in table:
        assert counts.get(f"{field}:{value}", 0) == int(n), f"{field}:{value}"


def test_near_duplicates_are_found():
    texts = ["小区停水三天了，老人孩子都没水喝，希望尽快来水", "小区停水三天了，老人孩子都没水喝，希望尽快来水！",
             "建设路的路灯坏了"]
    assert [(i, j) for i, j, _ in near_duplicate_pairs(texts)] == [(0, 1)]


def test_overlap_across_two_lists():
    pairs = near_duplicate_pairs(["文化路积水半米深，车都熄火了"], ["昨天文化路积水半米深，车都熄火了", "别的"],
                                 threshold=0.5)
    assert [(i, j) for i, j, _ in pairs] == [(0, 0)]

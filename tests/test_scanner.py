"""Anchors and the one-pass scanner: the places a pattern can match, and the same matches as the pattern's own."""

import pickle
import re

import pytest

from triage.text.anchors import MAX_ANCHOR, anchors
from triage.text.scanner import Scanner


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("煤气味|燃气味|燃气", {"煤气味", "燃气"}),  # 燃气 opens 燃气味 too
        ("(?<!天)然气(?=味|公司)", {"然气"}),  # zero-width assertions take no characters
        ("(?:燃气|煤气)[^，]{0,24}味", {"燃气", "煤气"}),
        ("[一二]{1,2}个", {"一个", "二个", "一一个", "一二个", "二一个", "二二个"}),  # a repeat is unrolled
        ("[^，]?漏", None),
        ("(?:的)?(?:风险|隐患)", {"的风险", "的隐患", "风险", "隐患"}),  # an optional opening may be skipped
        ("ab(?:c|d)e", {"abce", "abde"}),
        ("消防通道被占用", {"消防通道"[:MAX_ANCHOR]}),
    ],
)
def test_anchors_are_the_openings_of_every_match(pattern, expected):
    assert anchors(re.compile(pattern)) == (expected and frozenset(expected))


@pytest.mark.parametrize("pattern", ["a?", "x|", "[^，]{0,6}味", "x|.y", r"\d+号", "(?i:gas)"])
def test_patterns_without_a_short_literal_opening_have_no_anchors(pattern):
    assert anchors(re.compile(pattern)) is None


PATTERNS = [
    re.compile(p) for p in [
        "煤气味|燃气味|天然气味", "(?<!天)然气(?=味|公司)", "(?:燃气|煤气)[^，,。]{0,6}(?<![无没])味",
        "[0-9一二三]+[千万]户", "[^，]{0,3}漏", "路口|路", "气味|味道|气", "[0-9]{0,2}号楼|[一二]+栋",
    ]
]
TEXTS = [
    "楼道里一股煤气味，燃气公司说然气味是误报", "天然气公司", "燃气管那里没味", "停水影响三千户和2万户",
    "水管漏了，漏漏漏", "路口路路口", "气味味道气气味", "", "，，，", "12号楼和3号楼，一二栋与二栋", "号楼",
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_scanner_finds_what_each_pattern_finds(text):
    places = Scanner(PATTERNS).scan(text)
    for pattern in PATTERNS:
        assert [m.span() for m in places.finditer(pattern)] == [m.span() for m in pattern.finditer(text)]
        for start in range(len(text) + 1):
            for end in (start, start + 3, len(text)):
                want, got = pattern.search(text, start, end), places.search(pattern, start, end)
                assert (got and got.span()) == (want and want.span()), (pattern, start, end)


def test_a_lookbehind_sees_the_text_before_the_place_tried():
    pattern = re.compile("(?<!天)然气")
    places = Scanner([pattern]).scan("天然气和然气")
    assert [m.start() for m in places.finditer(pattern)] == [4]


def test_a_pattern_the_scanner_was_not_built_with_is_searched_as_before():
    other = re.compile("漏水")
    places = Scanner(PATTERNS).scan("楼上漏水")
    assert places.search(other).span() == (2, 4)
    assert places.occurs(PATTERNS[0]) is False


def test_a_scanner_pickles_and_scans_the_same_after():
    scanner = pickle.loads(pickle.dumps(Scanner(PATTERNS)))
    assert [m.span() for m in scanner.scan(TEXTS[0]).finditer(PATTERNS[0])] == [(5, 8)]


def test_patterns_without_anchors_or_unknown_to_the_scanner_may_always_occur():
    loose, other = re.compile("[^，]{0,3}漏"), re.compile("漏水")
    places = Scanner([PATTERNS[0], loose]).scan("楼上漏水")  # the pass finds no anchor at all
    assert places.which((PATTERNS[0], loose, other)) == [1, 2]
    assert [places.may_occur(p) for p in (PATTERNS[0], loose, other)] == [False, True, True]

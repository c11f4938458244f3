"""Incident merging in the library: signatures, bands, the policy file and the same-incident rule."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from triage.datafiles import default_data_path
from triage.errors import ConfigError
from triage.incidents import IncidentPolicy, MinHasher, Report, place_key, same_incident, similarity

PIPE = "幸福里小区3号楼水管爆了，水哗哗往外流，赶紧派人来修！"
PIPE_AGAIN = "幸福里小区3号楼的水管爆开了，楼道里都是水，老人孩子出不了门"
LAMP = "幸福里小区3号楼门口的路灯坏了好几天，晚上黑漆漆的"
T0 = datetime(2026, 12, 7, 8, 0)


@pytest.fixture(scope="module")
def policy() -> IncidentPolicy:
    return IncidentPolicy.load()


def test_similarity_estimates_the_share_of_bigrams_two_texts_have_in_common():
    h = MinHasher(num_perm=256, ngram=2, rows=2)
    a, b = "幸福小区3号楼水管爆了水流了一地", "幸福小区3号楼的水管爆了楼道里全是水"
    grams = [{x[i:i + 2] for i in range(len(x) - 1)} for x in (a, b)]
    jaccard = len(grams[0] & grams[1]) / len(grams[0] | grams[1])  # 9 of 23
    assert abs(similarity(h.signature(a), h.signature(b)) - jaccard) < 0.08
    assert similarity(h.signature(a), h.signature(a)) == 1.0
    assert similarity(h.signature(PIPE), h.signature(LAMP)) < similarity(h.signature(PIPE), h.signature(PIPE_AGAIN))


def test_width_case_spaces_and_punctuation_do_not_change_a_signature():
    h = MinHasher()
    wide, plain = "幸福里小区３号楼ＡＢ单元水管爆了！！", "幸福里小区 3号楼ab单元水管爆了"
    assert np.array_equal(h.signature(wide), h.signature(plain))


def test_a_text_with_nothing_to_hash_is_similar_to_nothing_and_has_no_bands():
    h = MinHasher()
    empty = h.signature("！？……")
    assert similarity(empty, empty) == 0.0 and h.band_keys(empty) == []
    short = h.signature("水")  # shorter than an n-gram: itself
    assert similarity(short, h.signature("水")) == 1.0


def test_signatures_and_bands_are_the_same_in_another_process():
    h = MinHasher()
    code = (f"from triage.incidents import MinHasher; h = MinHasher(); s = h.signature({PIPE!r}); "
            "print(h.to_bytes(s).hex()); print(h.band_keys(s)[:4])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONHASHSEED": "7"}).stdout.split("\n")
    signature = h.signature(PIPE)
    assert out[0] == h.to_bytes(signature).hex()
    assert out[1] == str(h.band_keys(signature)[:4])
    assert np.array_equal(h.from_bytes(h.to_bytes(signature)), signature)


def test_identical_texts_share_every_band_and_unrelated_ones_almost_none():
    h = MinHasher(num_perm=128, rows=2, bands=32)
    keys = h.band_keys(h.signature(PIPE))
    assert len(keys) == 32 == len(set(keys))
    assert keys == h.band_keys(h.signature(PIPE))
    assert len(set(keys) & set(h.band_keys(h.signature("网约车司机绕路多收费")))) <= 1
    assert all(-(1 << 63) <= k < (1 << 63) for k in keys)  # a signed 64-bit column takes them


def test_bands_come_from_the_start_of_the_signature_and_cannot_outrun_it():
    h, full = MinHasher(num_perm=128, rows=2, bands=32), MinHasher(num_perm=128, rows=2)
    signature = h.signature(PIPE)
    assert h.band_keys(signature) == full.band_keys(signature)[:32]
    with pytest.raises(ValueError, match=r"bands × rows \(33 × 4\) must be at least 1 and at most num_perm \(128\)"):
        MinHasher(num_perm=128, rows=4, bands=33)


def report(text, policy, *, category="water", place="span:幸福里小区", at=T0):
    return Report(policy.hasher().signature(text), category, place, at)


def test_the_rule_stops_at_category_time_and_place_before_reading_the_words(policy):
    a = report(PIPE, policy)
    assert same_incident(a, report(PIPE, policy, category="lighting"), policy).reason == "category"
    late = T0 + policy.window("water") + timedelta(minutes=1)
    assert same_incident(a, report(PIPE, policy, at=late), policy).reason == "time"
    assert same_incident(a, report(PIPE, policy, at=T0 + policy.window("water")), policy).same
    assert same_incident(a, report(PIPE, policy, place="span:阳光花园"), policy).reason == "place"


def test_without_a_place_on_both_sides_the_stricter_threshold_decides(policy):
    placed = same_incident(report(PIPE, policy), report(PIPE_AGAIN, policy), policy)
    assert placed.same and placed.reason == "same_place"
    unplaced = same_incident(report(PIPE, policy, place=None), report(PIPE_AGAIN, policy), policy)
    assert unplaced.reason == "no_place" and unplaced.similarity == placed.similarity
    assert unplaced.same is (unplaced.similarity >= policy.no_place)
    assert policy.same_place < placed.similarity < policy.no_place  # merged only because the place agrees
    assert same_incident(report(PIPE, policy, place=None), report(PIPE, policy, place=None), policy).same


def test_place_key_prefers_the_directory_compound_then_the_span():
    assert place_key({"place": {"span": "幸福里 小区", "compound": "C-017"}}) == "compound:C-017"
    assert place_key({"place": {"span": "幸福里 小区", "compound": {"code": "C-017", "name": "幸福里"}}}) \
        == "compound:C-017"
    assert place_key({"place": {"span": "幸福里 小區", "compound": None}}) == "span:幸福里小区"
    assert place_key({"place": None}) is None and place_key({"category": "water"}) is None
    assert place_key({"place": {"span": "，", "compound": ""}}) is None


def test_the_shipped_policy_names_every_category_and_keeps_the_thresholds_in_order(policy):
    assert set(policy.window_hours) == {"water", "gas", "drainage", "parking", "lighting", "other"}
    assert 0 < policy.same_place <= policy.no_place <= 1
    assert policy.source == str(default_data_path("incidents.yaml"))


def write_policy(tmp_path: Path, old: str, new: str) -> Path:
    text = default_data_path("incidents.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "incidents.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "message"), [
    ("  gas: 24\n", "", r"no window for \['gas'\]"),
    ("  gas: 24\n", "  gas: 24\n  heating: 24\n", r"unknown categories \['heating'\]"),
    ("  gas: 24", "  gas: soon", "gas: expected a positive number of hours, got 'soon'"),
    ("  same_place: 0.1", "  same_place: 0.9", "same_place .* must not be above no_place"),
    ("  no_place:", "  no_place: 1.5\n  old_no_place:", "no_place: expected a number above 0 and at most 1"),
    ("  rows: 2", "  rows: 5", r"signature: bands × rows \(32 × 5\) must be at least 1 and at most num_perm"),
    ("candidates: 20", "candidates: 0", "candidates: expected a whole number from 1 to 1000"),
    ("thresholds:", "limits:", "needs a 'thresholds' mapping"),
])
def test_a_bad_policy_file_is_refused_naming_the_file_and_the_entry(tmp_path, old, new, message):
    path = write_policy(tmp_path, old, new)
    with pytest.raises(ConfigError, match=message) as caught:
        IncidentPolicy.load(path)
    assert str(caught.value).startswith(f"{path}: ")


def test_the_index_finds_by_band_and_by_place_follows_splits_and_forgets_the_old(policy):
    from triage.incidents import IncidentIndex

    h, index = policy.hasher(), IncidentIndex(policy)
    first = report(PIPE, policy)
    index.add("a", 1, first, h.band_keys(first.signature))
    again = report(PIPE_AGAIN, policy, at=T0 + timedelta(hours=1))
    assert index.candidates(again, []) == ["a"]  # no band in common asked for: found by its place
    match = index.best_match(again, h.band_keys(again.signature))
    assert (match.incident_id, match.ticket_id) == (1, "a")
    index.move("a", 9)
    assert index.best_match(again, h.band_keys(again.signature)).incident_id == 9
    lamp = report(LAMP, policy, category="lighting")
    assert index.best_match(lamp, h.band_keys(lamp.signature)) is None
    assert index.forget_before(T0 + timedelta(minutes=1)) == 1 and len(index) == 0
    assert index.best_match(again, h.band_keys(again.signature)) is None


def test_a_match_found_earlier_holds_until_a_report_that_could_change_it_is_filed(policy):
    from triage.incidents import IncidentIndex

    h, index = policy.hasher(), IncidentIndex(policy)
    first = report(PIPE, policy)
    index.add("a", 1, first, h.band_keys(first.signature))
    again = report(PIPE_AGAIN, policy, at=T0 + timedelta(hours=1))
    bands, mark = h.band_keys(again.signature), index.mark()
    lamp = report(LAMP, policy, category="lighting")
    index.add("lamp", 2, lamp, h.band_keys(lamp.signature))  # another category: cannot be a candidate
    assert index.unchanged_for(again, bands, mark)
    index.add("b", 3, first, h.band_keys(first.signature))  # shares its bands: could be the better match
    assert not index.unchanged_for(again, bands, mark)
    mark = index.mark()
    index.forget_before(T0 - timedelta(days=30))  # a sweep, even one that drops nothing, starts afresh
    assert not index.unchanged_for(again, bands, mark)

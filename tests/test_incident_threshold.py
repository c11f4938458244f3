"""Choosing the merge threshold on labeled pairs: folds along shared texts, held-out figures, the policy file."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from training.incident_threshold import (
    PAIRS,
    choose_threshold,
    cross_validated,
    folds_by_text,
    load_pairs,
    record_threshold,
)
from triage.datafiles import default_data_path
from triage.incidents import IncidentPolicy


def test_pairs_that_share_a_text_fall_in_one_fold():
    pairs = [{"a": "x", "b": "y"}, {"a": "y", "b": "z"}, {"a": "p", "b": "q"}, {"a": "z", "b": "w"},
             {"a": "r", "b": "s"}]
    folds = folds_by_text(pairs, 2)
    assert folds[0] == folds[1] == folds[3]  # x-y-z-w hang together
    assert set(folds.tolist()) == {0, 1}


def test_the_threshold_with_the_best_f_half_wins_and_ties_go_higher():
    similarity = np.array([0.9, 0.8, 0.7, 0.4, 0.35, 0.3, 0.1])
    truth = np.array([True, True, True, True, False, False, False])
    assert choose_threshold(similarity, truth) == 0.4  # every same pair at or above it, no other: the highest such
    assert choose_threshold(np.array([0.5, 0.5]), np.array([True, True])) == 0.5


def test_held_out_figures_judge_each_fold_with_a_threshold_chosen_without_it():
    similarity = np.array([0.9, 0.9, 0.2, 0.1, 0.9, 0.15])
    truth = np.array([True, True, False, False, True, False])
    figures = cross_validated(similarity, truth, np.array([0, 0, 0, 1, 1, 1]))
    assert figures["precision"] == 1.0 and figures["recall"] == 1.0 and len(figures["fold_thresholds"]) == 2
    # a fold whose same pairs all sit below what the other fold chose is missed, and the figure says so
    hard = cross_validated(np.array([0.9, 0.1, 0.3, 0.05]), np.array([True, False, True, False]),
                           np.array([0, 0, 1, 1]))
    assert hard["recall"] == 0.5


def test_recording_the_threshold_keeps_the_comments_and_the_file_loads(tmp_path):
    path = tmp_path / "incidents.yaml"
    path.write_text(default_data_path("incidents.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    record_threshold(path, "no_place", 0.33)
    assert IncidentPolicy.load(path).no_place == 0.33
    assert "# Incident merging (并单)" in path.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="no 'thresholds: never:' line"):
        record_threshold(path, "never", 0.5)


def test_a_pair_without_ids_or_a_verdict_is_refused_naming_its_line(tmp_path):
    path = tmp_path / "pairs.jsonl"
    path.write_text('{"a": "x", "b": "y", "same": true}\n{"a": "x", "same": "yes"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"pairs.jsonl:2: expected ids 'a' and 'b' and a true/false 'same'"):
        load_pairs(path)


def test_the_shipped_pairs_are_ids_and_verdicts_only_at_least_300_of_both_kinds():
    rows = [json.loads(line) for line in Path(PAIRS).read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 300
    assert {k for r in rows for k in r} <= {"a", "b", "same", "confidence", "note"}  # never a message's text
    assert sum(r["same"] for r in rows) >= 100 and sum(not r["same"] for r in rows) >= 100
    assert len({tuple(sorted((r["a"], r["b"]))) for r in rows}) == len(rows)
    assert all(r["a"] != r["b"] for r in rows)

"""The promotion gate and how corrections join the training data."""

from __future__ import annotations

import copy

from training.gate import gate_reasons
from training.retrain import split_corrections


def figures(macro=0.90, water=0.90, emergency=0.95):
    per_class = {c: {"f1": 0.90, "support": 10} for c in ("water", "gas", "drainage", "parking", "lighting", "other")}
    per_class["water"]["f1"] = water
    return {"category_macro_f1": macro, "category_per_class": per_class, "emergency_recall": emergency}


def test_an_equal_or_better_candidate_passes():
    assert gate_reasons(figures(), figures()) == []
    assert gate_reasons(figures(macro=0.91, water=0.885), figures()) == []  # a class may drop up to 0.02


def test_each_rule_names_its_reason():
    assert gate_reasons(figures(macro=0.89), figures())[0].startswith("category macro-F1 drops from 0.9000 to 0.8900")
    assert "water F1 drops by 0.0300" in gate_reasons(figures(water=0.87, macro=0.95), figures())[0]
    assert gate_reasons(figures(emergency=0.94), figures()) == ["emergency recall drops from 0.9500 to 0.9400"]


def test_a_class_absent_from_the_held_out_texts_is_not_judged():
    active = figures()
    active["category_per_class"]["gas"] = {"f1": 0.0, "support": 0}
    candidate = copy.deepcopy(active)
    candidate["category_per_class"]["gas"]["f1"] = 0.0
    assert gate_reasons(candidate, active) == []


def row(i, text, split="train", category="water"):
    return {"id": i, "text": text, "split": split, "category": category, "categories": [category],
            "urgency": "normal", "route": "water_utility"}


def test_a_corrected_ticket_replaces_the_corpus_text_it_nearly_duplicates():
    corpus = [row("c1", "三号楼今天早上开始停水了，到现在还没来水，请尽快处理"),
              row("c2", "路灯坏了", category="lighting"),
              row("c3", "小区的下水道堵了", split="heldout", category="drainage")]
    corrected = [row("t1", "三号楼今天早上开始停水了，到现在还没来水，请尽快处理！", category="other")]
    train, heldout, counts = split_corrections(corpus, corrected)
    texts = [r["text"] for r in train + heldout]
    assert "三号楼今天早上开始停水了，到现在还没来水，请尽快处理" not in texts
    assert counts["corpus_replaced"] == 1 and counts["corrected_tickets"] == 1
    assert {r["id"] for r in heldout} >= {"c3"}


def test_a_fixed_share_of_corrected_tickets_is_held_out():
    corrected = [row(f"t{i}", f"第{i}号工单内容各不相同{i * 7919}") for i in range(500)]
    _, heldout, counts = split_corrections([], corrected)
    assert 70 <= counts["corrected_heldout"] <= 130 and len(heldout) == counts["corrected_heldout"]
    assert split_corrections([], corrected)[1] == heldout  # the same tickets every time

"""Review thresholds are chosen so the answers left unflagged are right often enough."""

from __future__ import annotations

import numpy as np

from training.review import choose_review_thresholds, review_figures
from triage.triager import TriageResult


def result(category: str, route: str, sure: dict[str, float]) -> TriageResult:
    return TriageResult(category=category, categories=[category], urgency="normal", route=route, route_name="",
                        confidence=sure["category"], needs_review=False, model_version="t",
                        explanation={"review": {"confidence": sure, "flagged": []}})


def answers(n: int = 400):
    """Category errors sit at low category confidence, route errors at low route confidence."""
    rng = np.random.default_rng(0)
    results, gold = [], []
    for _ in range(n):
        cat_sure, route_sure = float(rng.uniform(0.3, 1.0)), float(rng.uniform(0.3, 1.0))
        wrong_category, wrong_route = cat_sure < 0.5, route_sure < 0.45
        results.append(result("water", "property", {"category": cat_sure, "urgency": 0.9, "route": route_sure}))
        gold.append({"category": "other" if wrong_category else "water", "urgency": "normal",
                     "route": "manual" if wrong_route else "property"})
    return results, gold


def test_unflagged_answers_reach_the_target_on_category_and_route():
    results, gold = answers()
    thresholds, figures = choose_review_thresholds(results, gold, target=0.97)
    assert figures["targets_met"]
    assert figures["unflagged_category_accuracy"] >= 0.97 and figures["unflagged_route_accuracy"] >= 0.97
    assert 0.45 <= thresholds["category"] <= 0.55 and 0.4 <= thresholds["route"] <= 0.5
    assert figures["flagged_share"] < 0.5  # no more than the errors need


def test_a_confident_category_with_an_unsure_route_is_flagged():
    results, gold = answers()
    thresholds, _ = choose_review_thresholds(results, gold)
    unsure_route = result("water", "property", {"category": 0.99, "urgency": 0.99, "route": 0.35})
    flagged = review_figures([unsure_route], [{"category": "water", "urgency": "normal", "route": "property"}],
                             thresholds)
    assert flagged["flagged_share"] == 1.0


def test_when_the_targets_cannot_be_met_the_report_says_so():
    results, gold = answers()
    gold = [{**g, "route": "manual"} for g in gold]  # every route wrong: no threshold helps
    _, figures = choose_review_thresholds(results, gold)
    assert figures["targets_met"] is False

"""Choosing the review thresholds: the confidences below which a person checks the answer.

A text is flagged when its category, urgency or route confidence falls below that field's
threshold (see :meth:`triage.triager.Triager.review_thresholds`). The thresholds are chosen
on out-of-fold answers, produced by the very code that answers in production (safety rules
and routing included), for the rows that read like production: the real messages. Among
every combination on a grid of confidence quantiles, the one that flags the fewest texts
while the unflagged ones are at least ``target`` right on category and route (and at least
``urgency_target`` on urgency) wins. When no combination reaches the targets, the one whose
worst unflagged accuracy is highest wins, and the report says the target was missed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from triage.triager import TriageResult

__all__ = ["choose_review_thresholds", "review_figures"]

_QUANTILES = np.linspace(0.0, 0.8, 41)


def _confidences(results: Sequence[TriageResult]) -> dict[str, np.ndarray]:
    return {field: np.array([r.explanation["review"]["confidence"][field] for r in results])
            for field in ("category", "urgency", "route")}


def _correct(results: Sequence[TriageResult], gold: Sequence[Mapping[str, Any]]) -> dict[str, np.ndarray]:
    return {field: np.array([getattr(r, field) == g[field] for r, g in zip(results, gold, strict=True)])
            for field in ("category", "urgency", "route")}


def choose_review_thresholds(results: Sequence[TriageResult], gold: Sequence[Mapping[str, Any]], *,
                             target: float = 0.97, urgency_target: float = 0.95) -> tuple[dict[str, float], dict]:
    """(thresholds, figures) from out-of-fold results and the gold labels of the same rows."""
    if not results:
        raise ValueError("no out-of-fold results to choose review thresholds on")
    conf, right = _confidences(results), _correct(results, gold)
    grids = {f: np.unique(np.quantile(conf[f], _QUANTILES)) for f in conf}
    # every combination at once: flagged[f][k] says which rows threshold k of field f flags
    flags = {f: conf[f][None, :] < grids[f][:, None] for f in conf}
    best: tuple[float, float, tuple[int, int, int]] | None = None
    for i in range(len(grids["category"])):
        for j in range(len(grids["route"])):
            cat_route = flags["category"][i] | flags["route"][j]
            unflagged = ~(cat_route[None, :] | flags["urgency"])          # (urgency thresholds, rows)
            kept = np.maximum(unflagged.sum(axis=1), 1)
            accuracy = {f: (unflagged & right[f][None, :]).sum(axis=1) / kept for f in right}
            worst = np.minimum(np.minimum(accuracy["category"] - target, accuracy["route"] - target),
                               accuracy["urgency"] - urgency_target)
            share = 1 - unflagged.mean(axis=1)
            for k in range(len(grids["urgency"])):
                key = (share[k], 0.0) if worst[k] >= 0 else (2.0, -worst[k])  # meeting the targets comes first
                if best is None or key < best[:2]:
                    best = (key[0], key[1], (i, j, k))
    assert best is not None
    i, j, k = best[2]
    thresholds = {"category": float(grids["category"][i]), "urgency": float(grids["urgency"][k]),
                  "route": float(grids["route"][j])}
    figures = review_figures(results, gold, thresholds)
    figures["targets_met"] = bool(best[0] <= 1.0)
    figures["target"], figures["urgency_target"] = target, urgency_target
    return thresholds, figures


def review_figures(results: Sequence[TriageResult], gold: Sequence[Mapping[str, Any]],
                   thresholds: Mapping[str, float] | None = None) -> dict[str, Any]:
    """Flagged share and accuracy of the unflagged answers (by ``thresholds``, or as the results say)."""
    right = _correct(results, gold)
    if thresholds is None:
        flagged = np.array([r.needs_review for r in results])
    else:
        conf = _confidences(results)
        flagged = np.zeros(len(results), dtype=bool)
        for field, t in thresholds.items():
            flagged |= conf[field] < t
    kept = ~flagged
    return {"n": len(results), "flagged_share": float(flagged.mean()),
            **{f"unflagged_{f}_accuracy": float(right[f][kept].mean()) if kept.any() else 1.0 for f in right},
            **{f"all_{f}_accuracy": float(right[f].mean()) for f in right}}

"""How much a real label weighs against a written one: measured, not guessed.

    python -m training.choose_weight 1 2 4

Carves a validation fifth out of the real labels' train split (whole groups of
near-duplicate texts, by a hash of the group's first id, so the real held-out split is
never touched), fits on the corpus's train split plus the rest at each weight, and
prints category macro-F1, route and urgency accuracy on the carve. The shipped weight is
in ``training/real/sets.json``.
"""

from __future__ import annotations

import hashlib
import sys
from typing import Any

from triage.model.estimator import TriageModel
from triage.text.normalize import normalize
from triage.triager import Triager

from .data import load_corpus
from .evaluate import predict_rows, score
from .real_split import incident_groups
from .train import load_real

__all__ = ["validation_carve", "weigh"]


def validation_carve(real_train: list[dict[str, Any]], share: float = 0.2) -> tuple[list, list]:
    """(fit rows, validation rows) from the real train split, whole groups on one side."""
    groups = incident_groups([r["text"] for r in real_train])
    first: dict[int, str] = {}
    for g, r in zip(groups, real_train, strict=True):
        first[g] = min(first.get(g, r["id"]), r["id"])
    held = {g for g, i in first.items() if int(hashlib.sha256(f"weight:{i}".encode()).hexdigest()[:8], 16)
            < share * 0x1_0000_0000}
    fit = [r for g, r in zip(groups, real_train, strict=True) if g not in held]
    val = [r for g, r in zip(groups, real_train, strict=True) if g in held]
    return fit, val


def weigh(weight: float) -> dict[str, float]:
    corpus = [r for r in load_corpus() if r["split"] == "train"]
    real, _ = load_real()
    fit, val = validation_carve([r for r in real if r["split"] == "train"])
    rows = corpus + fit
    low = {r["id"]: r["weight"] / max(r["weight"] for r in fit) for r in fit}  # keeps the low-confidence factor
    weights = [1.0] * len(corpus) + [weight * low[r["id"]] for r in fit]
    model = TriageModel().fit([normalize(r["text"]) for r in rows], rows, sample_weight=weights)
    s = score({r["id"]: r for r in val}, predict_rows(Triager(model, version="weigh"), val))
    return {"weight": weight, "n": s["n"], "macro_f1": round(s["category_macro_f1"], 4),
            "route": round(s["route_accuracy"], 4), "urgency": round(s["urgency_accuracy"], 4)}


if __name__ == "__main__":
    for w in sys.argv[1:] or ["1", "2", "4"]:
        print(weigh(float(w)), flush=True)

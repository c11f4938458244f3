"""The promotion gate: a candidate model replaces the active one only if it is no worse.

Both are scored on the same held-out texts. The candidate passes when

- its category macro-F1 does not drop,
- no category's F1 drops by more than ``max_class_drop`` (0.02),
- its emergency recall does not drop.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triage.labels import CATEGORIES

__all__ = ["gate_reasons"]

_EPSILON = 1e-9  # equal figures computed in a different order must not count as a drop


def gate_reasons(candidate: Mapping[str, Any], active: Mapping[str, Any], *, max_class_drop: float = 0.02) -> list[str]:
    """Why the candidate must not be promoted (empty: it may be), from two ``evaluate.score`` results."""
    reasons = []
    if candidate["category_macro_f1"] < active["category_macro_f1"] - _EPSILON:
        reasons.append(f"category macro-F1 drops from {active['category_macro_f1']:.4f} "
                       f"to {candidate['category_macro_f1']:.4f}")
    for category in CATEGORIES:
        old = active["category_per_class"][category]
        if not old["support"]:
            continue
        new_f1 = candidate["category_per_class"][category]["f1"]
        if new_f1 < old["f1"] - max_class_drop - _EPSILON:
            reasons.append(f"{category} F1 drops by {old['f1'] - new_f1:.4f} (from {old['f1']:.4f} to {new_f1:.4f}), "
                           f"more than {max_class_drop}")
    if candidate["emergency_recall"] < active["emergency_recall"] - _EPSILON:
        reasons.append(f"emergency recall drops from {active['emergency_recall']:.4f} "
                       f"to {candidate['emergency_recall']:.4f}")
    return reasons

"""Choosing the emergency detector's threshold with the safety rules in view.

The detector alone is fitted to find 90% of the training emergencies out of fold, but in
production it stands beside rules that already catch most of them: what matters is what the
two find together. For every training row (out of fold) this reads once whether an emergency
rule fires and whether a learned emergency would survive the rules' vetoes; then, on a grid
of thresholds, the answer "emergency" is *a rule fired, or the detector cleared the threshold
and was not vetoed*. The threshold with the best F-beta (beta 2: a missed emergency costs more
than a false alarm) wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from triage.rules.urgency import SafetyRules

__all__ = ["choose_detector_threshold"]


def choose_detector_threshold(rules: SafetyRules, texts: Sequence[str], proba: Sequence[float],
                              emergency: Sequence[bool], *, beta: float = 2.0) -> tuple[float, dict[str, Any]]:
    """(threshold, figures) from normalised texts, out-of-fold detector probabilities and the truth."""
    p = np.asarray(proba, dtype=float)
    truth = np.asarray(emergency, dtype=bool)
    fired, survives = np.zeros(len(p), dtype=bool), np.zeros(len(p), dtype=bool)
    for i, (text, pi) in enumerate(zip(texts, p.tolist(), strict=True)):
        # the same probability against a threshold it always clears, then one it never does
        survives[i] = rules.apply(text, "normal", (), detector=pi, detector_threshold=0.0).urgency == "emergency"
        fired[i] = rules.apply(text, "normal", (), detector=pi, detector_threshold=2.0).urgency == "emergency"
    candidates = np.unique(np.round(np.quantile(p[truth], np.linspace(0.0, 1.0, 101)), 4)) if truth.any() else [0.5]
    best: tuple[float, float, dict[str, Any]] | None = None
    for t in candidates:
        said = fired | (survives & (p >= t))
        tp = int((said & truth).sum())
        precision, recall = tp / max(int(said.sum()), 1), tp / max(int(truth.sum()), 1)
        f = (1 + beta**2) * precision * recall / max(beta**2 * precision + recall, 1e-12)
        if best is None or f >= best[0]:
            best = (f, float(t), {"precision": round(precision, 4), "recall": round(recall, 4),
                                  f"f{beta:g}": round(f, 4)})
    assert best is not None
    f, threshold, figures = best
    rules_only = fired & truth
    figures.update(threshold=round(threshold, 4), rows=len(p), emergencies=int(truth.sum()),
                   rules_recall=round(int(rules_only.sum()) / max(int(truth.sum()), 1), 4))
    return threshold, figures

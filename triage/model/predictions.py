"""What a model returns for a batch: every head's probabilities, one row per text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Predictions"]


@dataclass
class Predictions:
    """Raw model outputs for a batch, one row per text."""

    category_proba: np.ndarray   # (n, len(category_classes))
    category_classes: np.ndarray
    multilabel_proba: np.ndarray  # (n, len(CATEGORIES)) in CATEGORIES order
    urgency: np.ndarray
    urgency_proba: np.ndarray
    urgency_classes: np.ndarray
    route_proba: np.ndarray
    route_classes: np.ndarray
    emergency_proba: np.ndarray | None = None  # (n,): the emergency detector; None for older models

    def take(self, rows: Sequence[int] | np.ndarray) -> Predictions:
        """The outputs of some rows only (classes unchanged)."""
        rows = np.asarray(rows, dtype=int)
        return Predictions(
            category_proba=self.category_proba[rows], category_classes=self.category_classes,
            multilabel_proba=self.multilabel_proba[rows], urgency=self.urgency[rows],
            urgency_proba=self.urgency_proba[rows], urgency_classes=self.urgency_classes,
            route_proba=self.route_proba[rows], route_classes=self.route_classes,
            emergency_proba=None if self.emergency_proba is None else self.emergency_proba[rows])

    def route_scores(self, i: int) -> dict[str, float]:
        return dict(zip(self.route_classes.tolist(), self.route_proba[i].tolist(), strict=True))

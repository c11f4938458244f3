"""The shipped form of a model: what answering needs and nothing else.

A fitted :class:`~triage.model.estimator.TriageModel` carries scikit-learn's head objects,
each with float64 weights over every n-gram it was fitted on (about 40 MB). To answer, a
model needs less: the normaliser it was trained behind, the n-grams that carry weight, and
the heads stacked into one matrix (:class:`~triage.model.heads.LinearHeads`).
:meth:`CompactModel.from_model` keeps the ``max_features`` n-grams that weigh most in any
head (weight over the head's typical weight, times the n-gram's idf), stores their weights
as float16 and answers with float32 arithmetic; loading one imports no scikit-learn.
``training/train.py`` saves this form, and its figures are measured on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..text.normalize import Normalizer
from ..text.spelling import Spelling, default_spelling
from .heads import LinearHeads
from .ngrams import NgramIndex, tfidf_rows
from .predictions import Predictions

if TYPE_CHECKING:  # answering never imports scikit-learn; only making a compact model does
    from .estimator import TriageModel

__all__ = ["CompactModel"]


class CompactModel:
    """A fitted model's features, stacked heads, classes, thresholds and normaliser."""

    def __init__(self, *, features: list[tuple[str, NgramIndex]], heads: LinearHeads, normalizer: Normalizer,
                 classes: dict[str, list[str]], thresholds: dict[str, object], params: dict[str, object]) -> None:
        self.features = features
        self.heads = heads
        self.normalizer = normalizer
        self.classes = classes
        self.thresholds = thresholds
        self.params = params

    @classmethod
    def from_model(cls, model: TriageModel, *, max_features: int | None = 100_000,
                   spelling: Spelling | None = None) -> CompactModel:
        """The compact form of a fitted model, keeping its ``max_features`` weightiest n-grams."""
        heads = model._heads()
        if heads is None:
            raise TypeError("the model's heads are not the linear shapes a compact model stacks")
        parts = [part for _, part in model.features_.transformer_list]
        idf = np.concatenate([part.idf_ for part in parts])
        scale = np.abs(heads.weights).mean(axis=0)
        weight = (np.abs(heads.weights) / np.where(scale > 0, scale, 1.0)).max(axis=1) * idf
        keep = np.arange(len(weight))
        if max_features is not None and max_features < len(weight):
            keep = np.sort(np.argsort(-weight, kind="stable")[:max_features])
        pruned, start = [], 0
        for name, part in model.features_.transformer_list:
            end = start + part.n_features_out_
            mine = keep[(keep >= start) & (keep < end)] - start
            pruned.append((name, part.subset(mine)))
            start = end
        thresholds = {
            "secondary": float(model.secondary_threshold_),
            "review": dict(getattr(model, "review_thresholds_", None) or {}) or
                      {"category": float(model.review_threshold_)},
            "emergency_detector": float(getattr(getattr(model, "emergency_", None), "threshold_", 0.5)),
        }
        classes = {"category": model.category_.classes_.tolist(), "urgency": model.urgency_.classes_.tolist(),
                   "route": model.route_.classes_.tolist(), "multilabel": list(model.binarizer_.classes_)}
        params = {k: list(v) if isinstance(v, tuple) else v for k, v in model.get_params().items()}
        params["compact_features"] = max_features  # the budget, which a retrain reuses
        return cls(features=pruned, heads=heads.subset(keep),
                   normalizer=Normalizer(spelling or default_spelling()), classes=classes,
                   thresholds=thresholds, params=params)

    # -- what the Triager reads --------------------------------------------------------------
    @property
    def secondary_threshold_(self) -> float:
        return float(self.thresholds["secondary"])  # type: ignore[arg-type]

    @property
    def review_thresholds_(self) -> dict[str, float]:
        return dict(self.thresholds["review"])  # type: ignore[call-overload]

    @property
    def emergency_threshold_(self) -> float:
        return float(self.thresholds["emergency_detector"])  # type: ignore[arg-type]

    @property
    def multilabel_classes_(self) -> list[str]:
        return list(self.classes["multilabel"])

    @property
    def n_features_(self) -> int:
        return int(self.heads.weights.shape[0])

    # -- answering ---------------------------------------------------------------------------
    def predict(self, X: Sequence[str]) -> Predictions:
        """Every head's output for a batch of the callers' texts, normalised as the model was trained."""
        return self.predict_normalized([self.normalizer(t) for t in X])

    def predict_normalized(self, texts: Sequence[str]) -> Predictions:
        """Every head's output for texts already normalised by this model's normaliser."""
        Z = tfidf_rows([part for _, part in self.features], list(texts), dtype=np.float32)
        category, multilabel, urgency, route, emergency = self.heads.predict_proba(Z)
        urgency_classes = np.array(self.classes["urgency"])
        return Predictions(
            category_proba=category, category_classes=np.array(self.classes["category"]),
            multilabel_proba=multilabel, urgency=urgency_classes[urgency.argmax(axis=1)], urgency_proba=urgency,
            urgency_classes=urgency_classes, route_proba=route, route_classes=np.array(self.classes["route"]),
            emergency_proba=emergency)

"""The Triager: normalise, predict, apply safety rules, route, explain.

>>> from triage import Triager                              # doctest: +SKIP
>>> t = Triager.load()                                      # doctest: +SKIP
>>> r = t.triage("单元门口有很重的煤气味，赶紧派人来看看")   # doctest: +SKIP
>>> (r.category, r.urgency, r.route)                        # doctest: +SKIP
('gas', 'emergency', 'gas_utility')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .artifacts import active_version, default_models_dir, load_model
from .cues import CueLexicon
from .errors import InputError, ModelError
from .labels import MANAGER, MANAGER_ROUTES
from .model import Predictions, TriageModel
from .normalize import normalize
from .policy import Policy
from .routing import Router
from .urgency import SafetyRules

__all__ = ["MAX_MODEL_CHARS", "TriageResult", "Triager"]

#: Texts longer than this are cut before the model sees them (the start carries the subject).
MAX_MODEL_CHARS = 20_000
#: Texts per vectorised pass inside triage_many.
CHUNK = 1_024


@dataclass(frozen=True)
class TriageResult:
    """One triaged text."""

    category: str
    categories: list[str]
    urgency: str
    route: str
    route_name: str
    confidence: float
    needs_review: bool
    explanation: dict[str, Any]
    model_version: str

    def as_dict(self) -> dict[str, Any]:
        """The fields as a dict (shallow: the explanation is shared, not copied)."""
        return dict(self.__dict__)


class Triager:
    """Composes a fitted :class:`~triage.model.TriageModel` with the cues, safety rules and policy."""

    def __init__(self, model: TriageModel, *, version: str, meta: dict[str, Any] | None = None,
                 cues: CueLexicon | None = None, policy: Policy | None = None,
                 rules: SafetyRules | None = None) -> None:
        self.model = model
        self.version = version
        self.meta = meta or {}
        self.cues = cues or CueLexicon.load()
        self.policy = policy or Policy.load(cues=self.cues)
        self.rules = rules or SafetyRules.load(cues=self.cues)
        self.router = Router(self.policy)

    @classmethod
    def load(cls, version: str | None = None, *, models_dir: str | Path | None = None,
             cues_path: str | Path | None = None, policy_path: str | Path | None = None,
             rules_path: str | Path | None = None) -> Triager:
        """Load the active model version (or ``version``) and the data files, validating all of them."""
        models_dir = Path(models_dir) if models_dir else default_models_dir()
        version = version or active_version(models_dir)
        model, meta = load_model(models_dir / version)
        if not isinstance(model, TriageModel):
            raise ModelError(f"{models_dir / version}: holds a {type(model).__name__}, not a TriageModel")
        cues = CueLexicon.load(cues_path)
        return cls(model, version=version, meta=meta, cues=cues,
                   policy=Policy.load(policy_path, cues=cues), rules=SafetyRules.load(rules_path, cues=cues))

    def triage(self, text: str) -> TriageResult:
        """Triage one text."""
        return self.triage_many([text])[0]

    def triage_many(self, texts: Iterable[str]) -> list[TriageResult]:
        """Triage a batch in one vectorised pass; raises InputError naming the first bad item."""
        clean = [_prepare(t, i) for i, t in enumerate(texts)]
        out: list[TriageResult] = []
        for start in range(0, len(clean), CHUNK):  # chunks keep the arrays cache-sized
            out.extend(self._decide(clean[start:start + CHUNK]))
        return out

    def review_thresholds(self) -> dict[str, float]:
        """The confidence per field (category, urgency, route) below which a text is flagged for review.

        Models trained on real labels carry thresholds for all three fields
        (``review_thresholds_``); older ones only a category threshold.
        """
        found = getattr(self.model, "review_thresholds_", None)
        return dict(found) if found else {"category": float(self.model.review_threshold_)}

    def decide(self, clean: Sequence[str], p: Predictions) -> list[TriageResult]:
        """Results for normalised texts from the model's raw outputs ``p`` (safety rules, routing, review)."""
        top = np.argsort(-p.category_proba, axis=1)[:, :3]
        confidence = p.category_proba[np.arange(len(clean)), top[:, 0]]
        urgency_confidence = p.urgency_proba.max(axis=1).tolist()
        thresholds = self.review_thresholds()
        secondary = (p.multilabel_proba >= self.model.secondary_threshold_).tolist()
        # Python lists and floats from here on: indexing NumPy arrays one element at a time is slow
        classes, ml_classes = [str(c) for c in p.category_classes], [str(c) for c in self.model.binarizer_.classes_]
        route_classes, urgencies = p.route_classes.tolist(), [str(u) for u in p.urgency]
        proba, route_proba, confidence = p.category_proba.tolist(), p.route_proba.tolist(), confidence.tolist()
        out = []
        for i, (text, top_i) in enumerate(zip(clean, top.tolist(), strict=True)):
            category = classes[top_i[0]]
            categories = [category] + [c for c, on in zip(ml_classes, secondary[i], strict=True)
                                       if on and c != category]
            urgency = self.rules.apply(text, urgencies[i], categories)
            route_scores = dict(zip(route_classes, route_proba[i], strict=True))
            route = self.router.route(category, self.cues.lazy(text), route_scores)
            sure = {"category": confidence[i], "urgency": urgency_confidence[i],
                    "route": route_scores.get(MANAGER if route.route in MANAGER_ROUTES else route.route, 0.0)}
            flagged = [field for field, t in thresholds.items() if sure[field] < t]
            explanation = {
                "category": {"top": [[classes[j], round(proba[i][j], 4)] for j in top_i]},
                "urgency": urgency.as_dict(),
                "route": route.as_dict(),
                "review": {"confidence": {k: round(v, 4) for k, v in sure.items()}, "flagged": flagged},
            }
            out.append(TriageResult(
                category=category, categories=categories, urgency=urgency.urgency, route=route.route,
                route_name=route.route_name, confidence=round(confidence[i], 4),
                needs_review=bool(flagged), explanation=explanation, model_version=self.version))
        return out

    def _decide(self, clean: Sequence[str]) -> list[TriageResult]:
        return self.decide(clean, self.model.predict(clean))


def _prepare(text: object, index: int) -> str:
    if not isinstance(text, str):
        raise InputError(f"item {index}: text must be a string, got {type(text).__name__}")
    clean = normalize(text)
    if not clean:
        raise InputError(f"item {index}: text is empty")
    return clean[:MAX_MODEL_CHARS]

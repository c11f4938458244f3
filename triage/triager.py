"""The Triager: normalise, predict, apply safety rules, route, explain.

>>> from triage import Triager
>>> t = Triager.load(models_dir="models")
>>> r = t.triage("单元门口有很重的煤气味，赶紧派人来看看")
>>> (r.category, r.urgency, r.route)
('gas', 'emergency', 'gas_utility')
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .dispatch.directory import Directory
from .dispatch.dispatcher import Dispatcher
from .dispatch.places import Place, PlaceFinder
from .errors import InputError, ModelError
from .explanation import EXPLANATION_SCHEMA, Explanation
from .labels import MANAGER, MANAGER_ROUTES, ROUTE_NAMES
from .model.artifacts import active_version, load_model
from .model.compact import CompactModel
from .model.predictions import Predictions
from .model.provenance import DataFileCheck, check_data_files, default_data_files
from .rules.cues import CueLexicon
from .rules.policy import Policy
from .rules.routing import Router
from .rules.urgency import SafetyRules
from .text.normalize import Traced, nfkc, normalize, to_simplified, trace
from .text.scanner import Scanner
from .text.spelling import default_spelling

if TYPE_CHECKING:  # a TriageModel (what training fits) answers too; only unpickling one imports sklearn
    from .model.estimator import TriageModel

__all__ = ["MAX_MODEL_CHARS", "TriageResult", "Triager"]

#: Texts longer than this are cut before the model sees them (the start carries the subject).
MAX_MODEL_CHARS = 20_000
#: Why an answer names no unit when the Triager has no dispatch directory.
_NO_DIRECTORY = "未加载派单目录"
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
    explanation: Explanation
    model_version: str
    #: the place the text names ({span, start, end, kind, compound, confidence}; offsets into the caller's text)
    place: dict[str, Any] | None = None
    #: the unit the directory names ({code, name, kind}), and why (also why there is none)
    unit: dict[str, str] | None = None
    unit_reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The fields as a dict (shallow: the explanation is shared, not copied)."""
        return dict(self.__dict__)


class Triager:
    """Composes a fitted :class:`~triage.model.estimator.TriageModel` with the cues, safety rules and policy."""

    def __init__(self, model: CompactModel | TriageModel, *, version: str, meta: dict[str, Any] | None = None,
                 cues: CueLexicon | None = None, policy: Policy | None = None,
                 rules: SafetyRules | None = None, directory: Directory | None = None) -> None:
        self.model = model
        self.version = version
        self.meta = meta or {}
        self.cues = cues or CueLexicon.load()
        self.policy = policy or Policy.load(cues=self.cues)
        self.rules = rules or SafetyRules.load(cues=self.cues)
        self.router = Router(self.policy)
        # one pass over each text finds where every cue and every rule's words can start
        self._scanner = Scanner([*self.cues.patterns.values(), *self.rules.scanner])
        self.use_directory(directory)
        self.data_paths = default_data_files()  # the data files in use, by name (Triager.load names its own)
        self._data_checks: list[DataFileCheck] | None = None

    def with_directory(self, directory: Directory | None) -> Triager:
        """A Triager sharing this one's model and files that names units from ``directory``."""
        other = copy.copy(self)
        other.use_directory(directory)
        return other

    def use_directory(self, directory: Directory | None) -> None:
        """Name units from ``directory`` from now on (None: answer route codes only, ``unit`` empty)."""
        self.directory = directory
        self.places = PlaceFinder(directory) if directory is not None else None
        self.dispatcher = Dispatcher(directory) if directory is not None else None

    def data_file_checks(self) -> list[DataFileCheck]:
        """The data files in use against those the model was evaluated with (computed once)."""
        if self._data_checks is None:
            self._data_checks = check_data_files(self.meta, self.data_paths)
        return self._data_checks

    def changed_data_files(self) -> list[str]:
        """Names of the data files that differ from those the model's figures were measured with."""
        return [c.file for c in self.data_file_checks() if c.status == "changed"]

    @classmethod
    def load(cls, version: str | None = None, *, models_dir: str | Path,
             cues_path: str | Path | None = None, policy_path: str | Path | None = None,
             rules_path: str | Path | None = None, directory: Directory | None = None) -> Triager:
        """Load the active model version of ``models_dir`` (or ``version``) and the data files, validating
        all of them; with ``directory`` (:func:`triage.dispatch.load_directory`), answers name units."""
        models_dir = Path(models_dir)
        version = version or active_version(models_dir)
        model, meta = load_model(models_dir / version)
        if not isinstance(model, CompactModel) and type(model).__name__ != "TriageModel":
            raise ModelError(f"{models_dir / version}: holds a {type(model).__name__}, not a triage model")
        cues = CueLexicon.load(cues_path)
        triager = cls(model, version=version, meta=meta, cues=cues,
                      policy=Policy.load(policy_path, cues=cues), rules=SafetyRules.load(rules_path, cues=cues),
                      directory=directory)
        for name, path in (("cues.yaml", cues_path), ("policy.yaml", policy_path), ("urgency_rules.yaml", rules_path)):
            if path:
                triager.data_paths[name] = Path(path)
        return triager

    def triage(self, text: str) -> TriageResult:
        """Triage one text."""
        return self.triage_many([text])[0]

    def triage_many(self, texts: Iterable[str]) -> list[TriageResult]:
        """Triage a batch in one vectorised pass; raises InputError naming the first bad item."""
        originals = list(texts)
        clean = [_prepare(t, i) for i, t in enumerate(originals)]
        out: list[TriageResult] = []
        for start in range(0, len(clean), CHUNK):  # chunks keep the arrays cache-sized
            part, said = clean[start:start + CHUNK], originals[start:start + CHUNK]
            out.extend(self.decide(part, self._predict(part, said), said))
        return out

    def _predict(self, clean: list[str], originals: list[str]) -> Predictions:
        """The model's outputs; a model that keeps its own normaliser reads the texts its own way,
        unless the spelling table in use folds just as its own does."""
        normalizer = getattr(self.model, "normalizer", None)
        if normalizer is None or normalizer.reads_like(default_spelling()):
            return self.model.predict_normalized(clean)
        return self.model.predict_normalized([normalizer(t)[:MAX_MODEL_CHARS] for t in originals])

    def review_thresholds(self) -> dict[str, float]:
        """The confidence per field (category, urgency, route) below which a text is flagged for review.

        Models trained on real labels carry thresholds for all three fields
        (``review_thresholds_``); older ones only a category threshold.
        """
        found = getattr(self.model, "review_thresholds_", None)
        return dict(found) if found else {"category": float(self.model.review_threshold_)}

    def decide(self, clean: Sequence[str], p: Predictions,
               originals: Sequence[str] | None = None) -> list[TriageResult]:
        """Results for normalised texts from the model's raw outputs ``p`` (safety rules, routing, review).

        ``originals`` (the caller's texts, before normalisation) let explanations quote the
        caller's own words.
        """
        top = np.argsort(-p.category_proba, axis=1)[:, :3]
        confidence = p.category_proba[np.arange(len(clean)), top[:, 0]]
        urgency_confidence = p.urgency_proba.max(axis=1).tolist()
        calm = _calm_urgency(p)
        detector = None if p.emergency_proba is None else p.emergency_proba.tolist()
        detector_threshold = self.model.emergency_threshold_
        class_index = {str(c): j for j, c in enumerate(p.category_classes)}
        thresholds = self.review_thresholds()
        secondary = (p.multilabel_proba >= self.model.secondary_threshold_).tolist()
        # Python lists and floats from here on: indexing NumPy arrays one element at a time is slow
        classes, ml_classes = [str(c) for c in p.category_classes], self.model.multilabel_classes_
        route_classes, urgencies = p.route_classes.tolist(), [str(u) for u in p.urgency]
        proba, route_proba, confidence = p.category_proba.tolist(), p.route_proba.tolist(), confidence.tolist()
        out = []
        for i, (text, top_i) in enumerate(zip(clean, top.tolist(), strict=True)):
            category = classes[top_i[0]]
            categories = [category] + [c for c, on in zip(ml_classes, secondary[i], strict=True)
                                       if on and c != category]
            quoter = Quoter(originals[i] if originals is not None else text, text)
            places = self._scanner.scan(text)
            urgency = self.rules.apply(text, urgencies[i], categories, calm=calm[i], quote=quoter.span,
                                       detector=None if detector is None else detector[i],
                                       detector_threshold=detector_threshold, places=places)
            category_confidence = confidence[i]
            if urgency.urgency == "emergency" and urgency.category and urgency.category != category:
                # a present danger is always the primary problem, and its category decides the route
                category = urgency.category
                categories = [category] + [c for c in categories if c != category]
                category_confidence = proba[i][class_index[category]] if category in class_index else 0.0
            route_scores = dict(zip(route_classes, route_proba[i], strict=True))
            route = self.router.route(category, self.cues.lazy(text, places), route_scores, quote=quoter.word)
            sure = {"category": category_confidence, "urgency": urgency_confidence[i],
                    "route": route_scores.get(MANAGER if route.route in MANAGER_ROUTES else route.route, 0.0)}
            flagged = [field for field, t in thresholds.items() if sure[field] < t]
            route_code, place, unit, unit_reason, route_why = route.route, None, None, _NO_DIRECTORY, route.as_dict()
            if self.places is not None and self.dispatcher is not None:
                found = self.places.best(text)
                named = self.dispatcher.dispatch(route.route, route.rules, found)
                route_code, unit, unit_reason = named.route, named.unit_brief(), named.reason
                place = quoter.place(found).as_dict() if found else None
                route_why["directory"] = named.why
            explanation: Explanation = {
                "schema": EXPLANATION_SCHEMA,
                "category": {"top": [[classes[j], round(proba[i][j], 4)] for j in top_i]},
                "urgency": urgency.as_dict(),
                "route": route_why,
                "review": {"confidence": {k: round(v, 4) for k, v in sure.items()}, "flagged": flagged},
            }
            out.append(TriageResult(
                category=category, categories=categories, urgency=urgency.urgency, route=route_code,
                route_name=ROUTE_NAMES[route_code], confidence=round(category_confidence, 4),
                needs_review=bool(flagged), explanation=explanation, model_version=self.version,
                place=place, unit=unit, unit_reason=unit_reason))
        return out


class Quoter:
    """Quotes the caller's own words behind spans and words of the normalised text."""

    def __init__(self, original: str, clean: str) -> None:
        self.original, self.clean = original, clean
        self._traced: Traced | None = None

    def span(self, start: int, end: int) -> str:
        words = self.clean[start:end]
        if words in self.original:  # the usual case: the caller wrote exactly these words
            return words
        if self._traced is None:
            self._traced = trace(self.original)
        if not self._traced.text.startswith(self.clean):  # an unmappable fold (composed NFKC sequences)
            return words
        return self._traced.quote(start, end)

    def place(self, place: Place) -> Place:
        """The place with its offsets and words in the caller's text."""
        o = self.original
        if o == self.clean or (len(o) == len(self.clean) and o[place.start:place.end] == place.span):
            return place  # the usual case: normalising changed punctuation only, one character for one
        at = o.find(place.span, max(0, place.start - 8))  # normalising moves words little (spaces go, …)
        if at < 0:
            at = o.find(place.span)
        if at >= 0 and (o.find(place.span, at + 1) < 0 or at - place.start <= 8):
            return place.moved(at, at + len(place.span), place.span)  # the same words, where they are nearest
        folded = to_simplified(nfkc(o))  # width and script fold one character for one, far faster than trace
        at = folded.find(place.span, max(0, place.start - 8)) if len(folded) == len(o) else -1
        if at >= 0:
            return place.moved(at, at + len(place.span), o[at:at + len(place.span)])
        if self._traced is None:
            self._traced = trace(self.original)
        if not self._traced.text.startswith(self.clean):
            at = self.original.find(place.span)
            return place if at < 0 else place.moved(at, at + len(place.span), place.span)
        start, end = self._traced.origin[place.start], self._traced.origin[place.end - 1] + 1
        return place.moved(start, end, self.original[start:end])

    def word(self, word: str) -> str:
        at = self.clean.find(word)
        return word if at < 0 else self.span(at, at + len(word))


def _calm_urgency(p: Predictions) -> list[str]:
    """Per text, the urgency head's most likely level other than emergency."""
    classes = [str(c) for c in p.urgency_classes]
    keep = [j for j, c in enumerate(classes) if c != "emergency"]
    if not keep:
        return [str(u) for u in p.urgency]
    best = np.asarray(keep)[p.urgency_proba[:, keep].argmax(axis=1)]
    return [classes[j] for j in best.tolist()]


def _prepare(text: object, index: int) -> str:
    if not isinstance(text, str):
        raise InputError(f"item {index}: text must be a string, got {type(text).__name__}")
    clean = normalize(text)
    if not clean:
        raise InputError(f"item {index}: text is empty")
    return clean[:MAX_MODEL_CHARS]

"""The learned part of triage: one estimator that predicts category, categories, urgency and route.

All heads share one feature space (computed once per batch):

- ``category``: word+char TF-IDF into a linear SVM with sigmoid-calibrated
  probabilities; ``other`` is a class like any other.
- ``categories``: one-vs-rest logistic regressions over every category the
  text raises; a secondary category is kept when its probability clears
  ``secondary_threshold_``, chosen on out-of-fold predictions.
- ``urgency``: logistic regression weighted toward ``emergency`` until its
  out-of-fold recall reaches ``emergency_recall`` (see :mod:`triage.model.classifier`).
- ``emergency``: the emergency detector (:mod:`triage.model.detector`), a calibrated yes/no head
  with its own threshold; the safety rules stay the floor beside it.
- ``route``: logistic regression over routes, with the compound's three
  managers folded into ``manager``. It only breaks ties the policy leaves open.
- ``review_threshold_``: below this category confidence a text is flagged for
  review, chosen on out-of-fold predictions so the flagged share holds as many
  of the errors as possible for its size. The training pipeline replaces it with
  per-field ``review_thresholds_`` chosen on real text (``training.review``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from ..labels import CATEGORIES, MANAGER, MANAGER_ROUTES
from .classifier import RecallWeightedClassifier
from .detector import EmergencyDetector
from .features import make_features, union_transform
from .heads import LinearHeads
from .multilabel import BinaryRelevance
from .predictions import Predictions

__all__ = ["Predictions", "TriageModel"]


class TriageModel(BaseEstimator):
    """Fit on texts (already normalised) and label dicts with the fields of the labeling contract.

    ``TriageModel().fit(texts, labels).predict(["小区停水了"])`` gives a :class:`Predictions` of
    every head's probabilities; ``training/train.py`` fits the shipped one, and
    ``tests/test_heads.py`` fits one on a small corpus.
    """

    def __init__(self, *, engine: str = "rjieba", word_ngrams: tuple[int, int] = (1, 2),
                 char_ngrams: tuple[int, int] = (1, 3), min_df: int = 1, C: float = 1.0,
                 max_features: int = 100_000, opening_chars: int = 60,
                 emergency_recall: float = 0.9, cv: int = 5, random_state: int = 0):
        self.engine = engine
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.max_features = max_features
        self.opening_chars = opening_chars
        self.C = C
        self.emergency_recall = emergency_recall
        self.cv = cv
        self.random_state = random_state

    # -- fitting -----------------------------------------------------------------------------
    def fit(self, X: Sequence[str], y: Sequence[Mapping[str, object]],
            sample_weight: Sequence[float] | None = None) -> TriageModel:
        """Fit every head; ``sample_weight`` (one weight per text, default 1) weighs rows in every fit.

        Besides the fitted heads this leaves ``oof_``: out-of-fold probabilities of the
        category, urgency and route heads for the training rows, from which the training
        pipeline chooses the review thresholds. It is not saved with the model.
        """
        # One BLAS thread: L-BFGS on these sizes makes many tiny BLAS calls, and threads waking for
        # each of them cost twenty times the work on a busy two-core machine (115 s against 6 s
        # measured for the tests' small model).
        with threadpool_limits(limits=1, user_api="blas"):
            return self._fit(list(X), y, sample_weight)

    def _fit(self, texts: list[str], y: Sequence[Mapping[str, object]],
             sample_weight: Sequence[float] | None) -> TriageModel:
        if len(texts) != len(y):
            raise ValueError(f"{len(texts)} texts but {len(y)} label rows")
        if len(texts) < 2 * self.cv:
            raise ValueError(f"need at least {2 * self.cv} labeled texts, got {len(texts)}")
        weights = _check_weights(sample_weight, len(texts))
        fit_params = {"sample_weight": weights}
        category = np.array([row["category"] for row in y])
        for name, values in (("category", category), ("urgency", np.array([row["urgency"] for row in y]))):
            found = sorted(set(values.tolist()))
            if len(found) < 2:
                raise ValueError(f"the training texts hold only one {name} ({found[0]}); a model needs at least two")
        urgency = np.array([row["urgency"] for row in y])
        route = np.array([_fold_manager(str(row["route"])) for row in y])
        secondary = [list(row.get("categories") or [row["category"]]) for row in y]  # type: ignore[call-overload]

        self.features_ = make_features(engine=self.engine, word_ngrams=self.word_ngrams,
                                            char_ngrams=self.char_ngrams, min_df=self.min_df,
                                            max_features=self.max_features,
                                            opening_chars=self.opening_chars).fit(texts)
        Z = self.features_.transform(texts)
        folds = StratifiedKFold(n_splits=self.cv, shuffle=True, random_state=self.random_state)

        category_clf = self._category_estimator()
        oof = cross_val_predict(category_clf, Z, category, cv=folds, method="predict_proba", params=fit_params)
        self.category_ = category_clf.fit(Z, category, **fit_params)
        classes = self.category_.classes_
        self.review_threshold_ = _review_threshold(oof, classes, category)

        self.binarizer_ = MultiLabelBinarizer(classes=list(CATEGORIES)).fit(secondary)
        M = self.binarizer_.transform(secondary)
        multilabel = BinaryRelevance(LogisticRegression(C=4 * self.C, max_iter=2000, class_weight="balanced"))
        ml_oof = cross_val_predict(multilabel, Z, M, cv=self.cv, method="predict_proba", params=fit_params)
        self.multilabel_ = multilabel.fit(Z, M, **fit_params)
        self.secondary_threshold_ = _secondary_threshold(ml_oof, M, classes, oof)

        self.urgency_ = RecallWeightedClassifier(
            LogisticRegression(C=4 * self.C, max_iter=2000), critical_class="emergency",
            target_recall=self.emergency_recall, cv=self.cv).fit(Z, urgency, **fit_params)
        route_clf = LogisticRegression(C=4 * self.C, max_iter=2000, class_weight="balanced")
        route_oof = cross_val_predict(route_clf, Z, route, cv=folds, method="predict_proba", params=fit_params)
        self.route_ = route_clf.fit(Z, route, **fit_params)
        self.emergency_ = EmergencyDetector(C=4 * self.C, target_recall=self.emergency_recall, cv=self.cv,
                                            random_state=self.random_state)
        self.emergency_.fit(Z, (urgency == "emergency").astype(int), **fit_params)
        urgency_oof = self.urgency_.oof_proba_
        if urgency_oof is not None:
            urgency_oof = urgency_oof * self.urgency_.class_weights()
            urgency_oof = urgency_oof / urgency_oof.sum(axis=1, keepdims=True)
        self.oof_ = {"category_proba": oof, "multilabel_proba": ml_oof, "urgency_proba": urgency_oof,
                     "route_proba": route_oof, "emergency_proba": self.emergency_.oof_proba_}
        self.n_train_ = len(texts)
        return self

    def _category_estimator(self) -> CalibratedClassifierCV:
        svm = LinearSVC(C=self.C, class_weight="balanced", random_state=self.random_state)
        return CalibratedClassifierCV(svm, method="sigmoid", cv=self.cv, ensemble=False)

    # -- predicting --------------------------------------------------------------------------
    def predict(self, X: Sequence[str]) -> Predictions:
        """Every head's output for a batch of normalised texts, from one feature pass."""
        check_is_fitted(self, "features_")
        texts = list(X)
        Z = union_transform(self.features_, texts)
        heads = self._heads()
        detector = getattr(self, "emergency_", None)
        if heads is not None:
            category, multilabel, urgency, route, emergency = heads.predict_proba(Z)
        else:
            category, multilabel = self.category_.predict_proba(Z), self.multilabel_.predict_proba(Z)
            urgency, route = self.urgency_.predict_proba(Z), self.route_.predict_proba(Z)
            emergency = None if detector is None else detector.predict_proba(Z)[:, 1]
        return Predictions(
            category_proba=category, category_classes=self.category_.classes_, multilabel_proba=multilabel,
            urgency=self.urgency_.classes_[urgency.argmax(axis=1)], urgency_proba=urgency,
            urgency_classes=self.urgency_.classes_, route_proba=route, route_classes=self.route_.classes_,
            emergency_proba=emergency)

    predict_normalized = predict  # the texts a TriageModel reads are normalised by its caller

    @property
    def emergency_threshold_(self) -> float:
        """The emergency detector's threshold (0.5 for models before it was chosen)."""
        return float(getattr(getattr(self, "emergency_", None), "threshold_", 0.5))

    @property
    def multilabel_classes_(self) -> list[str]:
        return [str(c) for c in self.binarizer_.classes_]

    def oof_predictions(self) -> Predictions:
        """The out-of-fold outputs for the training rows, in their order (only on a freshly fitted model)."""
        check_is_fitted(self, "oof_")
        oof = self.oof_
        if oof["urgency_proba"] is None:
            raise ValueError("too few rows per urgency to fold: no out-of-fold urgency predictions")
        return Predictions(
            category_proba=oof["category_proba"], category_classes=self.category_.classes_,
            multilabel_proba=oof["multilabel_proba"],
            urgency=self.urgency_.classes_[oof["urgency_proba"].argmax(axis=1)], urgency_proba=oof["urgency_proba"],
            urgency_classes=self.urgency_.classes_, route_proba=oof["route_proba"], route_classes=self.route_.classes_,
            emergency_proba=oof.get("emergency_proba"))

    def _heads(self) -> LinearHeads | None:
        """The stacked heads, built once per process (not pickled: derived from the fitted heads).

        None when a head has a shape the fast path does not know (e.g. a constant predictor
        fitted on a tiny corpus); scikit-learn's own predict_proba is used then.
        """
        if "_linear_heads" not in self.__dict__:
            try:
                self.__dict__["_linear_heads"] = LinearHeads(self)
            except TypeError:
                self.__dict__["_linear_heads"] = None
        return self.__dict__["_linear_heads"]

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state.pop("_linear_heads", None)
        state.pop("oof_", None)
        return state


def _check_weights(sample_weight: Sequence[float] | None, n: int) -> np.ndarray:
    if sample_weight is None:
        return np.ones(n)
    weights = np.asarray(sample_weight, dtype=float)
    if weights.shape != (n,):
        raise ValueError(f"sample_weight must hold one weight per text ({n}), got shape {weights.shape}")
    if not np.isfinite(weights).all() or (weights <= 0).any():
        raise ValueError("sample_weight must be finite and positive")
    return weights


def _fold_manager(route: str) -> str:
    return MANAGER if route in MANAGER_ROUTES else route


def _review_threshold(proba: np.ndarray, classes: np.ndarray, truth: np.ndarray) -> float:
    """The category confidence below which review catches the most errors for the share it flags.

    The fallback when no per-field thresholds were chosen (see ``training.review``).
    """
    confidence = proba.max(axis=1)
    wrong = classes[proba.argmax(axis=1)] != truth
    best_t, best_gain = 0.0, -1.0
    for t in np.unique(np.round(confidence, 3)):
        flagged = confidence < t
        if not wrong.any():
            break
        gain = wrong[flagged].sum() / wrong.sum() - flagged.mean()
        if gain > best_gain:
            best_t, best_gain = float(t), gain
    return best_t


def _secondary_threshold(ml_proba: np.ndarray, truth: np.ndarray, classes: np.ndarray,
                         category_proba: np.ndarray) -> float:
    """The probability threshold that maximises F1 on secondary categories, out of fold."""
    order = list(CATEGORIES)
    primary = np.array([order.index(c) for c in classes[category_proba.argmax(axis=1)]])
    mask = np.ones_like(truth, dtype=bool)
    mask[np.arange(len(primary)), primary] = False
    y_true = truth[mask].astype(bool)
    best_t, best_f1 = 0.5, -1.0
    for t in np.arange(0.2, 0.95, 0.025):
        y_pred = ml_proba[mask] >= t
        tp = (y_pred & y_true).sum()
        f1 = 2 * tp / max(y_pred.sum() + y_true.sum(), 1)
        if f1 > best_f1:
            best_t, best_f1 = float(t), f1
    return best_t

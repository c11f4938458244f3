"""Inference fast path: every linear head of a fitted TriageModel as one weight matrix.

scikit-learn validates its input and dispatches per class on every ``predict_proba``
call; for one complaint that costs milliseconds, far more than the arithmetic. Here the
category SVM, the one-vs-rest category logits, the urgency, route and emergency models are
stacked into one matrix, so a batch costs one sparse product plus the link functions
scikit-learn would apply (sigmoid calibration, logistic, softmax). ``tests/test_heads.py``
checks that the probabilities equal scikit-learn's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["LinearHeads"]


class LinearHeads:
    """Stacked weights and the link functions of a fitted model's four heads."""

    def __init__(self, model: Any) -> None:
        from sklearn.linear_model import LogisticRegression  # stacking happens once, after fitting
        from sklearn.svm import LinearSVC

        calibrated = model.category_.calibrated_classifiers_[0]
        svm = calibrated.estimator
        ml = model.multilabel_.estimators_
        urgency = model.urgency_.estimator_
        route = model.route_
        detector = getattr(model, "emergency_", None)
        if not (isinstance(svm, LinearSVC) and calibrated.method == "sigmoid"
                and list(svm.classes_) == list(calibrated.classes) and len(svm.classes_) > 2
                and all(isinstance(e, LogisticRegression) and e.coef_.shape[0] == 1 for e in ml)
                and isinstance(urgency, LogisticRegression) and len(urgency.classes_) > 2
                and isinstance(route, LogisticRegression) and len(route.classes_) > 2):
            raise TypeError("the model's heads are not the linear shapes this fast path knows")
        blocks = [svm.coef_, *[e.coef_ for e in ml], urgency.coef_, route.coef_]
        biases = [svm.intercept_, *[e.intercept_ for e in ml], urgency.intercept_, route.intercept_]
        self.detector = None
        if detector is not None:
            lr, platt = detector.estimator_, detector.platt_
            if not (isinstance(lr, LogisticRegression) and lr.coef_.shape[0] == 1):
                raise TypeError("the emergency detector is not the linear shape this fast path knows")
            blocks.append(lr.coef_)
            biases.append(lr.intercept_)
            self.detector = (float(platt.coef_[0, 0]), float(platt.intercept_[0]))
        self.weights = np.ascontiguousarray(np.vstack(blocks).T)
        self.bias = np.concatenate(biases)
        sizes = [svm.coef_.shape[0], len(ml), urgency.coef_.shape[0], route.coef_.shape[0]]
        self.slices = np.cumsum([0, *sizes, 1 if self.detector else 0])
        self.a = np.array([c.a_ for c in calibrated.calibrators])
        self.b = np.array([c.b_ for c in calibrated.calibrators])
        self.urgency_weights = model.urgency_.class_weights()

    def subset(self, rows: np.ndarray) -> LinearHeads:
        """A copy whose weights keep only the feature ``rows`` given, rounded to float16 (as pickled),
        held as float32: the copy answers exactly as it will once saved and loaded."""
        out = object.__new__(LinearHeads)
        out.__dict__.update(self.__dict__)
        half = self.weights[np.asarray(rows)].astype(np.float16)
        out.weights = np.ascontiguousarray(half, dtype=np.float32)
        return out

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        if state["weights"].dtype == np.float32:  # a compact model's: half the size on disk
            state["weights"] = state["weights"].astype(np.float16)
        return state

    def __setstate__(self, state: dict) -> None:
        if state["weights"].dtype == np.float16:
            state["weights"] = state["weights"].astype(np.float32)
        self.__dict__.update(state)

    def predict_proba(self, Z: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
        """Category, multilabel, urgency, route and emergency (or None) probabilities for a feature matrix."""
        logits = np.asarray(Z @ self.weights) + self.bias
        s = self.slices
        category = expit(-(self.a * logits[:, s[0]:s[1]] + self.b))
        total = category.sum(axis=1, keepdims=True)
        category = np.divide(category, total, out=np.full_like(category, 1 / category.shape[1]),
                             where=total != 0)
        category[(category > 1.0) & (category <= 1.0 + 1e-5)] = 1.0
        multilabel = expit(logits[:, s[1]:s[2]])
        urgency = _softmax(logits[:, s[2]:s[3]]) * self.urgency_weights
        urgency /= urgency.sum(axis=1, keepdims=True)
        route = _softmax(logits[:, s[3]:s[4]])
        emergency = None
        if self.detector is not None:
            a, b = self.detector
            emergency = expit(a * logits[:, s[4]] + b)
        return category, multilabel, urgency, route, emergency


def expit(x: np.ndarray) -> np.ndarray:
    """The logistic function, as ``scipy.special.expit`` computes it (without importing scipy.special)."""
    return 1.0 / (1.0 + np.exp(-x))


def _softmax(x: np.ndarray) -> np.ndarray:
    """Row softmax with the very operations of ``scipy.special.softmax(x, axis=1)``, minus its dispatch."""
    exp_x_shifted = np.exp(x - np.max(x, axis=1, keepdims=True))
    return exp_x_shifted / np.sum(exp_x_shifted, axis=1, keepdims=True)

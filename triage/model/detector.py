"""The learned emergency detector: a calibrated yes/no head beside the safety rules.

Rules catch the dangers someone wrote down; the detector catches wording no rule foresaw.
It is a logistic regression on the model's shared features, its probabilities calibrated
(Platt scaling of out-of-fold decision values), with a decision threshold chosen out of
fold: the highest at which it still finds ``target_recall`` of the training emergencies.

>>> import numpy as np
>>> X = np.array([[0.0], [0.1], [0.2], [0.8], [0.9], [1.0]] * 10)
>>> y = np.array([0, 0, 0, 1, 1, 1] * 10)
>>> detector = EmergencyDetector(C=10.0).fit(X, y)
>>> detector.predict(np.array([[0.05], [0.95]])).tolist()
[0, 1]
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["EmergencyDetector"]


class EmergencyDetector(ClassifierMixin, BaseEstimator):
    """Is this text an emergency? ``y`` is 1 for emergencies, 0 otherwise.

    The logistic regression's out-of-fold decision values are calibrated by Platt scaling
    (a one-feature logistic regression on them) and the threshold is chosen on the same
    out-of-fold values, so fitting costs ``cv + 1`` fits of the main model.

    Attributes: ``estimator_`` (the logistic regression on the features), ``platt_`` (the
    calibration: ``p = expit(platt_.coef_ * decision + platt_.intercept_)``), ``threshold_``,
    ``oof_proba_`` (out-of-fold probabilities of the training rows), ``oof_recall_``.
    """

    def __init__(self, *, C: float = 4.0, target_recall: float = 0.9, cv: int = 5, random_state: int = 0):
        self.C = C
        self.target_recall = target_recall
        self.cv = cv
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def fit(self, X, y, sample_weight=None) -> EmergencyDetector:
        X, y = validate_data(self, X, y, accept_sparse=True)
        y = np.asarray(y).astype(int)
        if set(np.unique(y).tolist()) != {0, 1}:
            raise ValueError("y must hold both 0 (not an emergency) and 1 (an emergency)")
        if not 0.0 < self.target_recall <= 1.0:
            raise ValueError(f"target_recall must be in (0, 1], got {self.target_recall}")
        params = {} if sample_weight is None else {"sample_weight": np.asarray(sample_weight, dtype=float)}
        base = LogisticRegression(C=self.C, max_iter=2000, class_weight="balanced")
        folds = StratifiedKFold(n_splits=self.cv, shuffle=True, random_state=self.random_state)
        decision = cross_val_predict(base, X, y, cv=folds, method="decision_function", params=params)
        self.platt_ = LogisticRegression(C=1e4).fit(decision.reshape(-1, 1), y, **params)
        self.oof_proba_ = self.platt_.predict_proba(decision.reshape(-1, 1))[:, 1]
        self.estimator_ = clone(base).fit(X, y, **params)
        self.classes_ = self.estimator_.classes_
        self.threshold_ = _threshold_for_recall(self.oof_proba_, y == 1, self.target_recall)
        self.oof_recall_ = float((self.oof_proba_[y == 1] >= self.threshold_).mean())
        return self

    def predict_proba(self, X) -> np.ndarray:
        check_is_fitted(self, "estimator_")
        decision = self.estimator_.decision_function(X).reshape(-1, 1)
        return self.platt_.predict_proba(decision)

    def predict(self, X) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= self.threshold_).astype(int)

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state.pop("oof_proba_", None)  # only the training pipeline reads it, right after fit
        return state


def _threshold_for_recall(proba: np.ndarray, positive: np.ndarray, target: float) -> float:
    """The highest threshold at which at least ``target`` of the positives score at or above it."""
    scores = np.sort(proba[positive])[::-1]
    k = max(int(np.ceil(target * len(scores))), 1)
    return float(scores[k - 1])

"""A classifier that weights one critical class up until it reaches a target recall.

Missing an emergency costs far more than a false alarm.
:class:`RecallWeightedClassifier` wraps any probabilistic classifier, learns from
out-of-fold predictions the smallest weight on the critical class's probability
at which that class reaches ``target_recall``, and applies the weight to every
prediction (a shift of the class prior, so probabilities still sum to one and
``predict`` is their argmax).
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["RecallWeightedClassifier"]


class RecallWeightedClassifier(ClassifierMixin, BaseEstimator):
    """Weight ``critical_class`` up until its out-of-fold recall reaches ``target_recall``.

    Parameters
    ----------
    estimator : classifier with ``predict_proba``; None means ``LogisticRegression(max_iter=1000)``.
    critical_class : the class whose recall matters most; None means the first class in sorted order.
    target_recall : the out-of-fold recall the weight is chosen to reach.
    max_weight : the largest weight allowed, so that a hopeless class cannot swamp the others.
    cv : folds for the out-of-fold probabilities: a number of stratified folds, a splitter or a list of splits.

    Attributes
    ----------
    classes_, estimator_, weight_ (the learned weight, >= 1),
    oof_recall_ (the critical class's out-of-fold recall with that weight),
    oof_proba_ (the out-of-fold probabilities before weighting; None when there were too few rows to fold).

    ``fit`` takes ``sample_weight``; it weighs the rows of the estimator's fits and of the
    out-of-fold fits alike (the recall target counts rows, not weights).

    >>> import numpy as np
    >>> X = np.array([[0.0], [0.2], [0.4], [0.6], [0.8], [1.0]] * 5)
    >>> y = np.array(["a", "a", "b", "b", "b", "b"] * 5)
    >>> clf = RecallWeightedClassifier(critical_class="a").fit(X, y)
    >>> bool(clf.oof_recall_ >= 0.97)
    True
    """

    def __init__(self, estimator=None, *, critical_class=None, target_recall: float = 0.97,
                 max_weight: float = 20.0, cv: int = 5):
        self.estimator = estimator
        self.critical_class = critical_class
        self.target_recall = target_recall
        self.max_weight = max_weight
        self.cv = cv

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def fit(self, X, y, sample_weight=None):
        X, y = validate_data(self, X, y, accept_sparse=True)
        fit_params = {} if sample_weight is None else {"sample_weight": np.asarray(sample_weight, dtype=float)}
        check_classification_targets(y)
        if not 0.0 < self.target_recall <= 1.0:
            raise ValueError(f"target_recall must be in (0, 1], got {self.target_recall}")
        if self.max_weight < 1.0:
            raise ValueError(f"max_weight must be at least 1, got {self.max_weight}")
        base = self.estimator if self.estimator is not None else LogisticRegression(max_iter=1000)
        self.classes_ = np.unique(y)
        critical = self.critical_class if self.critical_class is not None else self.classes_[0]
        if critical not in self.classes_:
            raise ValueError(f"critical_class {critical!r} is not among the classes {list(self.classes_)}")
        self.critical_index_ = int(np.flatnonzero(self.classes_ == critical)[0])
        self.estimator_ = clone(base).fit(X, y, **fit_params)
        self.weight_, self.oof_recall_, self.oof_proba_ = 1.0, float("nan"), None
        splitter = self._splitter(y)
        if len(self.classes_) > 1 and splitter is not None:
            proba = cross_val_predict(clone(base), X, y, cv=splitter, method="predict_proba", params=fit_params)
            self.oof_proba_ = proba
            self.weight_ = self._weight_for_recall(proba[y == critical])
            self.oof_recall_ = float(np.mean(self._argmax(proba[y == critical]) == self.critical_index_))
        return self

    def _splitter(self, y):
        """``cv`` as scikit-learn reads it: a number of stratified folds, or a splitter or list of splits."""
        if not isinstance(self.cv, numbers.Integral):
            return self.cv
        folds = min(int(self.cv), int(np.unique(y, return_counts=True)[1].min()))
        return StratifiedKFold(n_splits=folds, shuffle=True, random_state=0) if folds >= 2 else None

    def _weight_for_recall(self, proba: np.ndarray) -> float:
        """The smallest weight that makes the critical class win on target_recall of its own rows."""
        c = self.critical_index_
        others = np.delete(proba, c, axis=1).max(axis=1)
        needed = np.sort(others / np.maximum(proba[:, c], 1e-12))
        k = int(np.ceil(self.target_recall * len(needed))) - 1
        return float(np.clip(needed[max(k, 0)] * (1 + 1e-6), 1.0, self.max_weight))

    def class_weights(self) -> np.ndarray:
        """The weight on each class's probability (``weight_`` on the critical class, 1 elsewhere)."""
        w = np.ones(len(self.classes_))
        w[self.critical_index_] = self.weight_
        return w

    def _argmax(self, proba: np.ndarray) -> np.ndarray:
        return (proba * self.class_weights()).argmax(axis=1)

    def predict_proba(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse=True, reset=False)
        weighted = self.estimator_.predict_proba(X) * self.class_weights()
        return weighted / weighted.sum(axis=1, keepdims=True)

    def predict(self, X):
        pick = self.predict_proba(X).argmax(axis=1)
        return self.classes_[pick]

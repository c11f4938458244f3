"""Every category a text raises: one binary classifier per label column, with sample weights.

scikit-learn's ``OneVsRestClassifier`` only passes ``sample_weight`` through metadata
routing, a global switch we do not want to flip for the whole process. :class:`BinaryRelevance`
does the same job (one clone of ``estimator`` per column of a label-indicator matrix) and takes
``sample_weight`` directly. Its fitted ``estimators_`` have the shapes
:class:`~triage.model.heads.LinearHeads` stacks.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["BinaryRelevance", "ConstantColumn"]


class ConstantColumn:
    """Stands in for a column that holds one value in the training rows (predicts that value)."""

    def __init__(self, value: int) -> None:
        self.value = int(value)

    def predict_proba(self, X) -> np.ndarray:
        positive = np.full(X.shape[0], float(self.value))
        return np.column_stack([1.0 - positive, positive])


class BinaryRelevance(ClassifierMixin, BaseEstimator):
    """One binary classifier per column of a 0/1 label matrix ``Y`` of shape (n_samples, n_labels).

    >>> import numpy as np
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]] * 5)
    >>> Y = np.array([[0, 1], [1, 0], [1, 1], [0, 0]] * 5)
    >>> BinaryRelevance().fit(X, Y).predict(X[:4]).tolist()
    [[0, 1], [1, 0], [1, 1], [0, 0]]
    """

    def __init__(self, estimator=None):
        self.estimator = estimator

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        return tags

    def fit(self, X, Y, sample_weight=None) -> BinaryRelevance:
        X = validate_data(self, X, accept_sparse=True)
        Y = np.asarray(Y)
        if Y.ndim != 2 or Y.shape[0] != X.shape[0]:
            raise ValueError(f"Y must be a (n_samples, n_labels) matrix with {X.shape[0]} rows, got shape {Y.shape}")
        if not np.isin(Y, (0, 1)).all():
            raise ValueError("Y must hold only 0 and 1")
        base = self.estimator if self.estimator is not None else LogisticRegression(max_iter=1000)
        self.classes_ = np.arange(Y.shape[1])
        self.estimators_ = []
        for column in Y.T:
            if len(np.unique(column)) < 2:
                self.estimators_.append(ConstantColumn(column[0]))
            else:
                self.estimators_.append(clone(base).fit(X, column, sample_weight=sample_weight))
        return self

    def predict_proba(self, X) -> np.ndarray:
        """The probability of each label being on, shape (n_samples, n_labels)."""
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse=True, reset=False)
        return np.column_stack([e.predict_proba(X)[:, 1] for e in self.estimators_])

    def predict(self, X) -> np.ndarray:
        return (self.predict_proba(X) >= 0.5).astype(int)

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

from triage.model.multilabel import BinaryRelevance


def labeled_points():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 3))
    Y = np.column_stack([X[:, 0] > 0, X[:, 1] + X[:, 2] > 0.5, np.zeros(200)]).astype(int)
    return X, Y


def test_it_predicts_what_one_vs_rest_predicts():
    X, Y = labeled_points()
    Y[0, 2] = 1  # OneVsRestClassifier needs every column to vary
    ours = BinaryRelevance(LogisticRegression()).fit(X, Y)
    theirs = OneVsRestClassifier(LogisticRegression()).fit(X, Y)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-8)


def test_a_column_that_never_varies_is_predicted_as_it_was():
    X, Y = labeled_points()
    proba = BinaryRelevance().fit(X, Y).predict_proba(X)
    assert proba.shape == (200, 3)
    assert (proba[:, 2] == 0.0).all()


def test_sample_weight_moves_the_fit_toward_the_heavy_rows():
    X, Y = labeled_points()
    flipped = Y.copy()
    flipped[:50, 0] = 1 - flipped[:50, 0]  # the first 50 rows say the opposite
    weights = np.ones(200)
    weights[:50] = 20.0
    plain = BinaryRelevance().fit(X, flipped).predict(X[:50])[:, 0]
    heavy = BinaryRelevance().fit(X, flipped, sample_weight=weights).predict(X[:50])[:, 0]
    assert (heavy == flipped[:50, 0]).mean() > (plain == flipped[:50, 0]).mean()


def test_a_label_matrix_of_the_wrong_shape_is_refused():
    X, Y = labeled_points()
    with pytest.raises(ValueError, match="200 rows"):
        BinaryRelevance().fit(X, Y[:10])

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.utils.estimator_checks import parametrize_with_checks

from triage.model.classifier import RecallWeightedClassifier


@parametrize_with_checks([RecallWeightedClassifier(), RecallWeightedClassifier(target_recall=0.8, cv=3)])
def test_sklearn_estimator_contract(estimator, check):
    check(estimator)


def overlapping_data():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(0.0, 1.0, (60, 2)), rng.normal(1.0, 1.0, (240, 2))])
    y = np.array(["emergency"] * 60 + ["normal"] * 240)
    return X, y


def test_the_weight_reaches_the_target_recall():
    X, y = overlapping_data()
    plain = LogisticRegression().fit(X, y)
    weighted = RecallWeightedClassifier(critical_class="emergency", target_recall=0.95).fit(X, y)
    plain_recall = np.mean(plain.predict(X[y == "emergency"]) == "emergency")
    weighted_recall = np.mean(weighted.predict(X[y == "emergency"]) == "emergency")
    assert weighted.weight_ > 1.0
    assert weighted.oof_recall_ >= 0.95
    assert weighted_recall > plain_recall


def test_probabilities_still_sum_to_one_and_agree_with_predict():
    X, y = overlapping_data()
    clf = RecallWeightedClassifier(critical_class="emergency").fit(X, y)
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert (clf.classes_[proba.argmax(axis=1)] == clf.predict(X)).all()


def test_an_unknown_critical_class_is_refused():
    X, y = overlapping_data()
    with pytest.raises(ValueError, match="critical_class 'fire' is not among the classes"):
        RecallWeightedClassifier(critical_class="fire").fit(X, y)

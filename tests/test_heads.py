"""The inference fast path gives scikit-learn's probabilities."""

import numpy as np
import scipy.sparse as sp

from triage.model.heads import LinearHeads
from triage.text.normalize import normalize


def test_stacked_heads_equal_scikit_learn(fitted_model, corpus):
    model = fitted_model
    texts = [normalize(r["text"]) for r in corpus[::37]] + ["停水", "路灯"]
    Z = sp.hstack([v.transform(texts) for _, v in model.features_.transformer_list], format="csr")
    assert abs(Z - model.features_.transform(texts)).max() < 1e-12
    category, multilabel, urgency, route, emergency = LinearHeads(model).predict_proba(Z)
    np.testing.assert_allclose(category, model.category_.predict_proba(Z), atol=1e-10)
    np.testing.assert_allclose(multilabel, model.multilabel_.predict_proba(Z), atol=1e-10)
    np.testing.assert_allclose(urgency, model.urgency_.predict_proba(Z), atol=1e-10)
    np.testing.assert_allclose(route, model.route_.predict_proba(Z), atol=1e-10)
    np.testing.assert_allclose(emergency, model.emergency_.predict_proba(Z)[:, 1], atol=1e-10)


def test_the_fast_path_is_not_pickled(fitted_model):
    import pickle

    fitted_model.predict(["停水"])
    assert "_linear_heads" not in pickle.loads(pickle.dumps(fitted_model)).__dict__

"""The compact model answers as the model it was made from, in a fraction of the size."""

import io
import pickle

import joblib
import numpy as np
import pytest

from triage import Triager
from triage.model.compact import CompactModel
from triage.text.normalize import normalize
from triage.text.spelling import Spelling

TEXTS = ["小区停水三天了", "楼道里有煤气味", "路灯不亮", "下水道堵了污水外溢", "小区门口乱停车", "噪音扰民"]


def test_keeping_every_n_gram_gives_the_same_probabilities(fitted_model):
    compact = CompactModel.from_model(fitted_model, max_features=None)
    texts = [normalize(t) for t in TEXTS]
    full, small = fitted_model.predict(texts), compact.predict_normalized(texts)
    np.testing.assert_allclose(small.category_proba, full.category_proba, atol=2e-3)
    np.testing.assert_allclose(small.route_proba, full.route_proba, atol=2e-3)
    np.testing.assert_allclose(small.urgency_proba, full.urgency_proba, atol=2e-3)
    np.testing.assert_allclose(small.emergency_proba, full.emergency_proba, atol=2e-3)
    assert small.urgency.tolist() == full.urgency.tolist()
    assert small.route_classes.tolist() == full.route_classes.tolist()


def test_pruning_keeps_the_weightiest_n_grams_and_their_names(fitted_model):
    total = sum(part.n_features_out_ for _, part in fitted_model.features_.transformer_list)
    compact = CompactModel.from_model(fitted_model, max_features=total // 4)
    assert compact.n_features_ == total // 4 == compact.params["compact_features"]
    for (name, full), (_, pruned) in zip(fitted_model.features_.transformer_list,
                                         compact.features, strict=True):
        assert set(pruned.get_feature_names_out()) <= set(full.get_feature_names_out()), name
    assert compact.predict(TEXTS).category_proba.shape == (len(TEXTS), 6)


def test_weights_are_float16_on_disk_and_float32_in_memory(fitted_model):
    compact = CompactModel.from_model(fitted_model, max_features=None)
    state = pickle.loads(pickle.dumps(compact.heads.__getstate__()))
    assert state["weights"].dtype == np.float16
    buffer = io.BytesIO()
    joblib.dump(compact, buffer)
    buffer.seek(0)
    loaded = joblib.load(buffer)
    assert loaded.heads.weights.dtype == np.float32
    np.testing.assert_array_equal(loaded.predict(TEXTS).category_proba, compact.predict(TEXTS).category_proba)


def test_the_model_reads_text_with_the_spelling_it_was_trained_with(fitted_model, tmp_path):
    table = tmp_path / "spelling.yaml"
    table.write_text("version: 1\nfixes:\n  断流: 停水\n", encoding="utf-8")
    compact = CompactModel.from_model(fitted_model, max_features=None, spelling=Spelling.load(table))
    np.testing.assert_array_equal(compact.predict(["小区断流三天了"]).category_proba,
                                  compact.predict_normalized(["小区停水三天了"]).category_proba)
    # the shipped table does not fold 断流, but the Triager lets the model read with its own
    triager = Triager(compact, version="own-spelling")
    own = triager.triage("小区断流三天了").explanation["category"]["top"]
    assert own == triager.triage("小区停水三天了").explanation["category"]["top"]


def test_the_shipped_model_is_compact(triager):
    assert isinstance(triager.model, CompactModel)
    assert triager.model.normalizer.reads_like(Spelling.load())


def test_a_model_without_linear_heads_cannot_be_compacted(fitted_model, monkeypatch):
    monkeypatch.setattr(type(fitted_model), "_heads", lambda self: None)
    with pytest.raises(TypeError, match="linear"):
        CompactModel.from_model(fitted_model)

"""Model folders: checksums before unpickling, clear errors, the active pointer."""

import json
import shutil

import pytest

from triage import ModelIntegrityError, ModelNotFoundError, Triager
from triage.model.artifacts import MODEL_FILE, activate, active_version, list_versions, read_meta


@pytest.fixture
def models(tmp_path, small_models_dir):
    folder = tmp_path / "models"
    shutil.copytree(small_models_dir, folder)
    return folder


def test_a_trained_folder_has_model_meta_and_card(models):
    folder = models / "small"
    assert {p.name for p in folder.iterdir()} == {"model.joblib", "meta.json", "MODEL_CARD.md"}
    meta = read_meta(folder)
    assert meta["libraries"]["scikit-learn"]
    assert set(meta["hashes"]) == {"corpus", "cues.yaml", "policy.yaml", "urgency_rules.yaml", "userdict.txt",
                                   "scope.yaml", "spelling.yaml"}
    assert "heldout" in meta["metrics"]
    assert "# triage model small" in (folder / "MODEL_CARD.md").read_text(encoding="utf-8")


def test_loading_the_active_version(models):
    assert active_version(models) == "small"
    assert Triager.load(models_dir=models).triage("路灯不亮").model_version == "small"


def test_a_tampered_model_file_is_refused_before_unpickling(models):
    path = models / "small" / MODEL_FILE
    data = path.read_bytes()
    path.write_bytes(data[:-1] + bytes([data[-1] ^ 0xFF]))  # a changed byte (setting it to 0 may change none)
    with pytest.raises(ModelIntegrityError, match=r"model.joblib: sha256 .* does not match .* in meta.json"):
        Triager.load(models_dir=models)


def test_a_replaced_pickle_never_runs(models):
    marker = models / "ran"
    payload = ("cos\nsystem\n(S'touch " + str(marker) + "'\ntR.").encode()
    (models / "small" / MODEL_FILE).write_bytes(payload)
    with pytest.raises(ModelIntegrityError):
        Triager.load(models_dir=models)
    assert not marker.exists()


def test_a_corrupt_model_with_a_matching_checksum_gives_a_clear_error(models):
    folder = models / "small"
    (folder / MODEL_FILE).write_bytes(b"not a pickle at all")
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    import hashlib

    meta["sha256"] = hashlib.sha256(b"not a pickle at all").hexdigest()
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelIntegrityError, match=r"model\.joblib: cannot load the model"):
        Triager.load(models_dir=models)


def test_no_active_model(tmp_path):
    with pytest.raises(ModelNotFoundError, match=r"ACTIVE: no active model. Train one with 'triage train'"):
        Triager.load(models_dir=tmp_path)


def test_a_missing_meta_json(models):
    (models / "small" / "meta.json").unlink()
    with pytest.raises(ModelNotFoundError, match=r"meta.json: no such file; is .* a model folder\?"):
        Triager.load(models_dir=models)


def test_activate_refuses_a_folder_that_is_not_a_model(models):
    (models / "junk").mkdir()
    with pytest.raises(ModelNotFoundError):
        activate("junk", models)
    assert active_version(models) == "small"
    assert list_versions(models) == ["small"]

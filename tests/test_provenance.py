"""A data file edited after a model was evaluated is reported, on the library, the API and the CLI."""

import json
import shutil

from conftest import service_settings
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from service.app import create_app
from service.cli import app as cli
from triage import Triager
from triage.datafiles import default_data_path
from triage.model.artifacts import META_FILE, active_version
from triage.model.provenance import DATA_FILES, check_data_files, data_file_hashes


def edited_policy(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text(default_data_path("policy.yaml").read_text(encoding="utf-8") + "\n# 本市修订\n", encoding="utf-8")
    return path


def test_each_data_file_is_same_changed_or_not_recorded(tmp_path):
    recorded = data_file_hashes()
    assert set(recorded) == set(DATA_FILES)
    meta = {"hashes": {k: v for k, v in recorded.items() if k != "spelling.yaml"}}
    paths = {name: default_data_path(name) for name in DATA_FILES} | {"policy.yaml": edited_policy(tmp_path)}
    status = {c.file: c.status for c in check_data_files(meta, paths)}
    assert status == {"cues.yaml": "same", "policy.yaml": "changed", "urgency_rules.yaml": "same",
                      "userdict.txt": "same", "scope.yaml": "same", "spelling.yaml": "not recorded"}


def test_a_model_loaded_with_an_edited_policy_says_so(small_models_dir, tmp_path):
    assert Triager.load(models_dir=small_models_dir).changed_data_files() == []
    triager = Triager.load(models_dir=small_models_dir, policy_path=edited_policy(tmp_path))
    assert triager.changed_data_files() == ["policy.yaml"]
    app = create_app(service_settings(tmp_path), triager=triager)
    with TestClient(app) as client:
        assert client.get("/v1/health").json()["data_files_changed"] == ["policy.yaml"]
        files = {f["file"]: f for f in client.get("/v1/model").json()["data_files"]}
        assert files["policy.yaml"]["status"] == "changed" and files["cues.yaml"]["status"] == "same"
        assert files["policy.yaml"]["recorded"] == triager.meta["hashes"]["policy.yaml"]


def test_models_list_marks_a_version_measured_with_other_data_files(small_models_dir, tmp_path):
    models = tmp_path / "models"
    shutil.copytree(small_models_dir, models)
    meta_path = models / active_version(models) / META_FILE
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["hashes"]["urgency_rules.yaml"] = "0" * 64  # as if the rules were edited after it was scored
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    result = CliRunner().invoke(cli, ["models", "list", "--models", str(models)])
    assert result.exit_code == 0
    assert "(measured before a change to urgency_rules.yaml)" in result.output

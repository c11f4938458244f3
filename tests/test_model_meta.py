"""meta.json is read and checked in one place: typed fields, a schema number, damage named by field."""

import json

import pytest
from typer.testing import CliRunner

from service.cli import app as cli
from triage.errors import ModelIntegrityError
from triage.model.artifacts import describe_versions
from triage.model.meta import META_SCHEMA, ModelMeta


def write(folder, **meta):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "meta.json").write_text(json.dumps({"sha256": "0" * 64, **meta}), encoding="utf-8")
    return folder


def test_a_meta_json_reads_as_typed_fields_and_as_the_whole_file(tmp_path):
    meta = ModelMeta.read(write(tmp_path / "v1", schema=2, created="2026-12-07T10:00:00Z",
                                metrics={"heldout": {"category_macro_f1": 0.9}}, extra={"kept": True}))
    assert (meta.schema, meta.created, meta.metrics["heldout"]["category_macro_f1"]) == (2, "2026-12-07T10:00:00Z", 0.9)
    assert meta["extra"] == {"kept": True} and dict(meta)["sha256"] == "0" * 64


def test_a_meta_json_from_before_the_schema_was_numbered_is_schema_1(tmp_path):
    assert ModelMeta.read(write(tmp_path / "old")).schema == 1


@pytest.mark.parametrize(("fields", "message"), [
    ({"metrics": [1, 2]}, "'metrics' should be a mapping, got list"),
    ({"created": 20261207}, "'created' should be text or null, got int"),
    ({"hashes": "abc"}, "'hashes' should be a mapping, got str"),
    ({"schema": "two"}, "'schema' must be a positive whole number, got 'two'"),
    ({"schema": META_SCHEMA + 1}, f"schema {META_SCHEMA + 1}, newer than this program reads"),
])
def test_a_damaged_or_newer_meta_json_is_refused_by_name_and_field(tmp_path, fields, message):
    folder = write(tmp_path / "bad", **fields)
    with pytest.raises(ModelIntegrityError, match=message) as refused:
        ModelMeta.read(folder)
    assert str(folder / "meta.json") in str(refused.value)


def test_a_version_with_a_newer_schema_is_listed_as_damaged_not_a_crash(tmp_path):
    write(tmp_path / "20261207-120000", schema=META_SCHEMA + 1)
    write(tmp_path / "20261206-120000", metrics={"heldout": {"category_macro_f1": 0.9, "route_accuracy": 0.8}})
    listed = {v["version"]: v for v in describe_versions(tmp_path)}
    assert "newer than this program reads" in listed["20261207-120000"]["damaged"]
    assert listed["20261206-120000"]["damaged"] is None
    result = CliRunner().invoke(cli, ["models", "list", "--models", str(tmp_path)])
    assert result.exit_code == 0 and "damaged:" in result.output and "macro-F1 0.900" in result.output


def test_training_writes_the_current_schema(small_models_dir):
    assert ModelMeta.read(small_models_dir / "small").schema == META_SCHEMA

"""With a shared PostgreSQL store, the active version is kept in the store: every host follows it."""

import shutil

import pytest
from conftest import service_settings
from fastapi.testclient import TestClient

from service.app import create_app
from service.hot_swap import ModelWatcher
from triage.model.artifacts import active_version


def host(tmp_path, name, small_models_dir, database_url):
    """A service host with a models folder of its own (two versions, "small" active) and the shared store."""
    models = tmp_path / name
    shutil.copytree(small_models_dir, models)
    shutil.copytree(models / "small", models / "small-b")
    app = create_app(service_settings(tmp_path / name, models_dir=models, database_url=database_url,
                                      model_poll_seconds=0))
    return app, models


@pytest.mark.slow
def test_a_version_activated_on_one_host_is_served_by_another(tmp_path, small_models_dir, postgres_url):
    from databases import reset

    reset(postgres_url)
    first, _ = host(tmp_path, "first", small_models_dir, postgres_url)
    second, second_models = host(tmp_path, "second", small_models_dir, postgres_url)
    admin = {"Authorization": "Bearer " + first.state.service.store.create_key("李主任", "admin")}
    with TestClient(first) as client:
        assert client.post("/v1/models/small-b/activate", headers=admin).status_code == 200
    assert first.state.service.store.active_model() == "small-b"
    assert active_version(second_models) == "small"  # the second host's own pointer did not move
    watcher = ModelWatcher(second, second_models, 1.0, wanted=second.state.service.pointer.current)
    assert watcher.check() and second.state.triager.version == "small-b"
    # a host that starts now serves the store's version too
    third, _ = host(tmp_path, "third", small_models_dir, postgres_url)
    assert third.state.triager.version == "small-b"


def test_on_sqlite_the_file_pointer_alone_names_the_active_version(tmp_path, small_models_dir):
    app, models = host(tmp_path, "only", small_models_dir, f"sqlite:///{tmp_path / 'triage.db'}")
    admin = {"Authorization": "Bearer " + app.state.service.store.create_key("李主任", "admin")}
    with TestClient(app) as client:
        assert client.post("/v1/models/small-b/activate", headers=admin).status_code == 200
    assert not app.state.service.pointer.shared
    assert active_version(models) == "small-b" and app.state.service.store.active_model() is None

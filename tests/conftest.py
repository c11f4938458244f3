"""Shared fixtures: the shipped model (loaded once), a small model trained in seconds, sample texts."""

from __future__ import annotations

import json
import shutil
from functools import cache
from pathlib import Path

import pytest

from training.data import load_corpus

pytest_plugins = ["staff_browser"]  # the browser tests' fixtures: server, browser, staff_page

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def corpus() -> list[dict]:
    return load_corpus()


@pytest.fixture(scope="session")
def triager():
    """The shipped, active model."""
    from triage import Triager

    return Triager.load(models_dir=ROOT / "models")


#: The slice's files: the first round's one-topic files, so that texts added to the corpus later do
#: not change the small model the tests train (and with it what they can assert about it).
SMALL_CORPUS_FILES = ("drainage.jsonl", "gas.jsonl", "lighting.jsonl", "other_city.jsonl", "other_home.jsonl",
                      "parking.jsonl", "water.jsonl")


@pytest.fixture(scope="session")
def small_corpus_dir(tmp_path_factory, corpus) -> Path:
    """A corpus folder with a stratified slice of the corpus: up to 6 texts per (category, urgency, route)."""
    corpus_dir = tmp_path_factory.mktemp("corpus")
    picked, seen = [], {}
    for row in corpus:
        if Path(row["_where"].split(":")[0]).name not in SMALL_CORPUS_FILES:
            continue
        key = (row["category"], row["urgency"], row["route"])
        if seen.get(key, 0) < 6:
            seen[key] = seen.get(key, 0) + 1
            picked.append({k: v for k, v in row.items() if k != "_where"})
    (corpus_dir / "slice.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in picked) + "\n", encoding="utf-8")
    return corpus_dir


@pytest.fixture(scope="session")
def fitted_model(small_corpus_dir):
    """A TriageModel, scikit-learn heads and all, fitted on the corpus slice (the form training works on)."""
    from triage.model.estimator import TriageModel
    from triage.text.normalize import normalize

    rows = [json.loads(line) for line in (small_corpus_dir / "slice.jsonl").read_text(encoding="utf-8").splitlines()]
    return TriageModel(cv=3).fit([normalize(r["text"]) for r in rows], rows)


@pytest.fixture(scope="session")
def small_models_dir(tmp_path_factory, small_corpus_dir) -> Path:
    """A models folder with one small model, "small", trained on the corpus slice in seconds."""
    from training.train import train

    folder = tmp_path_factory.mktemp("models")
    train(small_corpus_dir, folder, version="small", label_sets=[], dev_path=FIXTURES / "none.jsonl",
          log=lambda m: None, params={"cv": 3})
    return folder


@cache
def migrated_sqlite() -> Path:
    """An empty SQLite store migrated to the newest revision once; tests start from copies of it."""
    import atexit
    import tempfile

    from service.store import Store

    folder = tempfile.mkdtemp(prefix="triage-template-")
    atexit.register(shutil.rmtree, folder, True)  # gone with the test session
    path = Path(folder) / "triage.db"
    Store.open(f"sqlite:///{path}").close()
    return path


def copy_migrated_sqlite(path: Path) -> Path:
    """``path`` as a freshly migrated, empty SQLite store (a copy of the template, not a new migration)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(migrated_sqlite(), path)
    return path


def service_settings(folder: Path, **overrides):
    """Service settings for tests: a SQLite store in ``folder`` and intake open to the test client."""
    from service.settings import Settings

    if "database_url" not in overrides and not (folder / "triage.db").exists():
        copy_migrated_sqlite(folder / "triage.db")
    return Settings(**{"database_url": f"sqlite:///{folder / 'triage.db'}", "open_intake": "always", **overrides})


@pytest.fixture(scope="session")
def postgres_url():
    from databases import postgres_server

    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def database_url(request, tmp_path) -> str:
    """A migrated-from-empty database URL: each test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'triage.db'}"
    from databases import reset

    url = request.getfixturevalue("postgres_url")
    reset(url)
    return url


@pytest.fixture
def store(database_url):
    from service.store import Store

    if database_url.startswith("sqlite:///"):
        copy_migrated_sqlite(Path(database_url.removeprefix("sqlite:///")))
    s = Store.open(database_url)
    yield s
    s.close()

"""Model folders: saving, the active-version pointer, and checked loading.

A model version is a folder ``models/<version>/`` with fixed file names:

- ``model.joblib``: the fitted :class:`~triage.model.estimator.TriageModel`;
- ``meta.json``: labels, library versions, sha256 of the model file, of the
  corpus and of every data file, training parameters and metrics;
- ``MODEL_CARD.md``: the same, for people.

``models/ACTIVE`` names the version in use. Loading checks the model file's
sha256 against ``meta.json`` *before* unpickling it (a pickle runs code when
loaded) and refuses a mismatch.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import sys
import threading
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

from ..errors import ModelError, ModelIntegrityError, ModelNotFoundError
from .meta import META_FILE, META_SCHEMA, ModelMeta
from .provenance import check_data_files, data_file_hashes, sha256_file

__all__ = [
    "ACTIVE_FILE",
    "CARD_FILE",
    "META_FILE",
    "MODEL_FILE",
    "activate",
    "active_version",
    "describe_versions",
    "library_versions",
    "list_versions",
    "load_model",
    "read_meta",
    "save_model",
    "sha256_file",
]

MODEL_FILE, CARD_FILE, ACTIVE_FILE = "model.joblib", "MODEL_CARD.md", "ACTIVE"
_LIBRARIES = ("scikit-learn", "numpy", "scipy", "joblib", "jieba", "rjieba", "opencc")


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def active_version(models_dir: str | Path) -> str:
    models_dir = Path(models_dir)
    pointer = models_dir / ACTIVE_FILE
    try:
        version = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise ModelNotFoundError(
            f"{pointer}: no active model. Train one with 'triage train' "
            "or point TRIAGE_MODELS_DIR at a models folder.") from None
    if not version:
        raise ModelNotFoundError(f"{pointer} is empty: write a version name into it or run 'triage train'")
    return version


def list_versions(models_dir: str | Path) -> list[str]:
    models_dir = Path(models_dir)
    if not models_dir.is_dir():
        return []
    return sorted(p.name for p in models_dir.iterdir() if (p / META_FILE).is_file())


def describe_versions(models_dir: str | Path) -> list[dict[str, Any]]:
    """Every version, oldest first: ``version``, ``active``, ``created``, ``metrics``, ``damaged`` and
    ``changed_data_files`` (the shipped data files that differ from those it was evaluated with).

    A version whose meta.json cannot be read is listed with ``damaged`` giving the reason (and
    no figures), so that one broken folder does not hide the others.
    """
    models_dir = Path(models_dir)
    try:
        active: str | None = active_version(models_dir)
    except ModelError:
        active = None
    shipped = data_file_hashes()  # hashed once, compared with every version's record
    out = []
    for version in list_versions(models_dir):
        entry: dict[str, Any] = {"version": version, "active": version == active, "created": None, "metrics": {},
                                 "damaged": None, "changed_data_files": []}
        try:
            meta = read_meta(models_dir / version)
            changed = [c.file for c in check_data_files(meta, loaded=shipped) if c.status == "changed"]
            entry.update(created=meta.created, metrics=meta.metrics, changed_data_files=changed)
        except ModelError as e:
            entry["damaged"] = str(e)
        out.append(entry)
    return out


def activate(version: str, models_dir: str | Path) -> None:
    """Make ``version`` the active model (atomically replaces the pointer)."""
    models_dir = Path(models_dir)
    read_meta(models_dir / version)  # refuse to point at something that is not a model folder
    tmp = models_dir / f".{ACTIVE_FILE}.{os.getpid()}.{threading.get_ident()}.tmp"  # one per writer
    tmp.write_text(version + "\n", encoding="utf-8")
    os.replace(tmp, models_dir / ACTIVE_FILE)


def read_meta(folder: str | Path) -> ModelMeta:
    """A model folder's meta.json, checked (see :class:`~triage.model.meta.ModelMeta`)."""
    return ModelMeta.read(folder)


def save_model(model: object, folder: str | Path, meta: dict[str, Any],
               card: Callable[[dict[str, Any]], str]) -> dict[str, Any]:
    """Write model, meta.json (with the model file's sha256 and library versions) and the card made from it."""
    import joblib

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=False)
    joblib.dump(model, folder / MODEL_FILE, compress=3)
    meta = {"schema": META_SCHEMA, **meta, "sha256": sha256_file(folder / MODEL_FILE),
            "libraries": library_versions()}
    (folder / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (folder / CARD_FILE).write_text(card(meta), encoding="utf-8")
    return meta


# Models saved before the library was split into subpackages name their classes by the modules'
# old paths; loading maps those names to the modules' new places.
PICKLED_MODULES = {
    "triage.classifier": "triage.model.classifier",
    "triage.detector": "triage.model.detector",
    "triage.features": "triage.model.features",
    "triage.multilabel": "triage.model.multilabel",
    "triage.tokenize": "triage.text.tokenize",
    "triage.vectorize": "triage.model.vectorize",
}  # triage.model.TriageModel still resolves: the package exports it


_OLD_NAMES_LOCK = threading.Lock()  # one load at a time adds and removes the old names


class _MovedModule(types.ModuleType):
    """An old module name that imports its new module only when a pickle asks it for a class."""

    def __init__(self, old: str, new: str) -> None:
        super().__init__(old)
        self._new = new

    def __getattr__(self, name: str) -> Any:
        return getattr(importlib.import_module(self._new), name)


@contextmanager
def _old_module_names() -> Iterator[None]:
    with _OLD_NAMES_LOCK:
        added = [old for old in PICKLED_MODULES if old not in sys.modules]
        for old in added:
            sys.modules[old] = _MovedModule(old, PICKLED_MODULES[old])
        try:
            yield
        finally:
            for old in added:
                sys.modules.pop(old, None)


def load_model(folder: str | Path) -> tuple[Any, dict[str, Any]]:
    """Load a model folder after checking the model file's sha256 against meta.json."""
    import joblib

    folder = Path(folder)
    meta = read_meta(folder)
    path = folder / MODEL_FILE
    if not path.is_file():
        raise ModelNotFoundError(f"{path}: no such file")
    actual = sha256_file(path)
    if actual != meta["sha256"]:
        raise ModelIntegrityError(
            f"{path}: sha256 {actual[:12]}… does not match {meta['sha256'][:12]}… in {META_FILE}; "
            "the file was changed or damaged after training, and will not be loaded. "
            "Retrain with 'triage train' or restore the folder.")
    trained = meta.get("libraries", {}).get("scikit-learn")
    current = library_versions()["scikit-learn"]
    if trained and trained.split(".")[:2] != current.split(".")[:2]:
        raise ModelError(f"{folder}: trained with scikit-learn {trained}, this is {current}; "
                         "retrain with 'triage train'")
    try:
        with _old_module_names():
            model = joblib.load(path)
    except Exception as e:  # a damaged pickle can raise almost anything
        raise ModelIntegrityError(f"{path}: cannot load the model: {type(e).__name__}: {e}") from e
    return model, meta

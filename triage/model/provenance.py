"""Which data files a model was evaluated with, and whether the ones loaded now are the same.

A model's figures hold for the cues, rules, policy, scope words, spelling table and user
dictionary it was scored with; ``meta.json`` records their sha256 (``hashes``). A city may
edit those files after training: that is allowed, but the figures then describe other files,
so the difference is reported (``GET /v1/model``, the health check, ``triage models list``)
rather than refused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..datafiles import default_data_path

__all__ = ["DATA_FILES", "DataFileCheck", "check_data_files", "data_file_hashes", "default_data_files",
           "sha256_file"]

DATA_FILES = ("cues.yaml", "policy.yaml", "urgency_rules.yaml", "userdict.txt", "scope.yaml", "spelling.yaml")


def sha256_file(path: str | Path) -> str:
    """The sha256 of a file, read a megabyte at a time."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class DataFileCheck:
    """One data file: ``same``, ``changed`` since the model was evaluated, or ``not recorded`` by it."""

    file: str
    path: str
    status: str
    recorded: str | None
    loaded: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def default_data_files() -> dict[str, Path]:
    """The shipped data files, by name."""
    return {name: default_data_path(name) for name in DATA_FILES}


def data_file_hashes(paths: Mapping[str, Path] | None = None) -> dict[str, str]:
    """sha256 of each data file (the shipped ones by default), as training records them."""
    return {name: sha256_file(path) for name, path in (paths or default_data_files()).items()}


def check_data_files(meta: Mapping[str, Any], paths: Mapping[str, Path] | None = None,
                     loaded: Mapping[str, str] | None = None) -> list[DataFileCheck]:
    """Compare the files in ``paths`` (default: the shipped ones) with the hashes ``meta`` recorded.

    ``loaded``: their hashes, when the caller already has them (one pass for many versions).
    """
    recorded = meta.get("hashes")
    recorded = recorded if isinstance(recorded, Mapping) else {}
    paths = paths or default_data_files()
    loaded = loaded or data_file_hashes(paths)
    out = []
    for name, path in paths.items():
        was = recorded.get(name) if isinstance(recorded.get(name), str) else None
        status = "not recorded" if was is None else ("same" if was == loaded[name] else "changed")
        out.append(DataFileCheck(file=name, path=str(path), status=status, recorded=was, loaded=loaded[name]))
    return out

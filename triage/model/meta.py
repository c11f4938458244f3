"""``meta.json``, read and checked in one place: a typed, read-only view with a schema number.

Every reader (loading a model, listing versions, the API and pages, retraining) goes through
:meth:`ModelMeta.read`, so a damaged or foreign file is reported once, by name and field,
instead of failing wherever a key happens to be looked up. The view is also a read-only
mapping of the whole file, for the reports that show all of it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ModelIntegrityError, ModelNotFoundError

__all__ = ["META_FILE", "META_SCHEMA", "ModelMeta"]

META_FILE = "meta.json"
#: The layout of meta.json this code writes; 1 is a file from before the layout was numbered.
META_SCHEMA = 2

# field -> (type it must have, default when absent)
_FIELDS: dict[str, tuple[type | tuple[type, ...], Any]] = {
    "version": ((str, type(None)), None), "created": ((str, type(None)), None), "labels": (dict, {}),
    "params": (dict, {}), "thresholds": (dict, {}), "metrics": (dict, {}), "hashes": (dict, {}),
    "libraries": (dict, {}), "training": (dict, {}),
}


@dataclass(frozen=True)
class ModelMeta(Mapping[str, Any]):
    """A model's meta.json: ``sha256`` of the model file, figures per evaluation set, data-file hashes…"""

    path: Path
    sha256: str
    schema: int = 1
    version: str | None = None
    created: str | None = None
    labels: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    thresholds: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, dict[str, Any]] = field(default_factory=dict)
    hashes: dict[str, Any] = field(default_factory=dict)
    libraries: dict[str, str] = field(default_factory=dict)
    training: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def read(cls, folder: str | Path) -> ModelMeta:
        """Read and check ``folder/meta.json``; ModelIntegrityError names the file and what is wrong."""
        path = Path(folder) / META_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ModelNotFoundError(f"{path}: no such file; is {folder} a model folder?") from None
        except (OSError, ValueError) as e:
            raise ModelIntegrityError(f"{path}: cannot read model metadata: {e}") from e
        return cls.parse(data, path)

    @classmethod
    def parse(cls, data: Any, path: Path) -> ModelMeta:
        """Check the parsed JSON of a meta.json found at ``path``."""
        if not isinstance(data, dict) or not isinstance(data.get("sha256"), str):
            raise ModelIntegrityError(f"{path}: not a model meta.json (no 'sha256' field)")
        schema = data.get("schema", 1)
        if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
            raise ModelIntegrityError(f"{path}: 'schema' must be a positive whole number, got {schema!r}")
        if schema > META_SCHEMA:
            raise ModelIntegrityError(f"{path}: written with meta.json schema {schema}, newer than this program "
                                      f"reads ({META_SCHEMA}); upgrade triage to use this model")
        values: dict[str, Any] = {}
        for name, (kind, default) in _FIELDS.items():
            value = data.get(name, default)
            if not isinstance(value, kind):
                raise ModelIntegrityError(f"{path}: '{name}' should be {_kind_name(kind)}, "
                                          f"got {type(value).__name__}")
            values[name] = value
        if not all(isinstance(m, dict) for m in values["metrics"].values()):
            raise ModelIntegrityError(f"{path}: 'metrics' is not a mapping of sets")
        return cls(path=path, sha256=data["sha256"], schema=schema, raw=data, **values)

    # a read-only mapping of the whole file
    def __getitem__(self, key: str) -> Any:
        return self.raw[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.raw)

    def __len__(self) -> int:
        return len(self.raw)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {dict: "a mapping", str: "text", type(None): "null"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)

"""Labeled sets of real messages: the labels live in the repository, the texts beside it.

A manifest (``training/real/sets.json``) lists the sets::

    [{"name": "pool", "labels": "labels.jsonl", "texts": "../../../shared/real/pool.jsonl",
      "texts_sha256": "…", "weight": 2.0, "low_confidence_weight": 0.5}]

Paths are relative to the manifest's folder. Each labels file holds one JSON object per
line: ``id`` (a row of the texts file), the contract's ``category``, ``categories``,
``urgency`` and ``route``, the labeler's ``confidence`` (``high``/``low``), a ``note``
and the fixed ``split`` (``train``/``heldout``, see :mod:`training.real_split`). Loading
joins every label to its text by id and refuses, naming the file, when the texts file is
missing or changed, or a label's id is not in it: never a silently smaller training set.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from triage.errors import CorpusError

from .data import SPLITS, load_jsonl, validate_labels

__all__ = ["DEFAULT_MANIFEST", "ROOT", "LabelSet", "load_label_sets", "load_manifest", "sha256_path"]

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MANIFEST = ROOT / "training" / "real" / "sets.json"
_LABEL_FIELDS = {"id", "category", "categories", "urgency", "route", "confidence", "note", "split"}
_REQUIRED = ("id", "category", "categories", "urgency", "route", "confidence", "split")


@dataclass(frozen=True)
class LabelSet:
    """One labeled set: where its labels and texts are, and how much a row weighs in training."""

    name: str
    labels: Path
    texts: Path
    texts_sha256: str
    weight: float = 1.0
    low_confidence_weight: float = 0.5


def _shown(path: Path) -> str:
    """A path as meta.json records it: relative to the repository (``../shared/…`` for the texts)."""
    return Path(os.path.relpath(path, ROOT)).as_posix()


def sha256_path(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_manifest(path: str | Path) -> list[LabelSet]:
    """The label sets a manifest lists, validated; raises CorpusError naming the manifest."""
    path = Path(path)
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise CorpusError(f"{path}: label-set manifest not found") from e
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise CorpusError(f"{path}: not a JSON manifest: {e}") from e
    if not isinstance(entries, list) or not entries:
        raise CorpusError(f"{path}: expected a non-empty JSON list of label sets")
    sets, names = [], set()
    for n, entry in enumerate(entries):
        where = f"{path}: set {n}"
        if not isinstance(entry, dict) or not {"name", "labels", "texts", "texts_sha256"} <= set(entry):
            raise CorpusError(f"{where}: needs 'name', 'labels', 'texts' and 'texts_sha256'")
        weight, low = entry.get("weight", 1.0), entry.get("low_confidence_weight", 0.5)
        if not all(isinstance(w, int | float) and not isinstance(w, bool) and w > 0 for w in (weight, low)):
            raise CorpusError(f"{where}: 'weight' and 'low_confidence_weight' must be positive numbers")
        if entry["name"] in names:
            raise CorpusError(f"{where}: duplicate set name {entry['name']!r}")
        names.add(entry["name"])
        sets.append(LabelSet(name=str(entry["name"]), labels=(path.parent / entry["labels"]).resolve(),
                             texts=(path.parent / entry["texts"]).resolve(), texts_sha256=str(entry["texts_sha256"]),
                             weight=float(weight), low_confidence_weight=float(low)))
    return sets


def _read_texts(label_set: LabelSet) -> dict[str, str]:
    if not label_set.texts.is_file():
        raise CorpusError(f"{label_set.texts}: the texts of label set {label_set.name!r} are missing; "
                          "training stops rather than train on fewer rows")
    found = sha256_path(label_set.texts)
    if found != label_set.texts_sha256:
        raise CorpusError(f"{label_set.texts}: changed since the labels of set {label_set.name!r} were made "
                          f"(sha256 {found[:12]}…, the manifest expects {label_set.texts_sha256[:12]}…)")
    return {str(r.get("id")): str(r.get("text", "")) for r in load_jsonl(label_set.texts)}


def _validate(row: dict[str, Any], texts: dict[str, str]) -> list[str]:
    problems = [f"missing field {f!r}" for f in _REQUIRED if f not in row]
    extra = set(row) - _LABEL_FIELDS - {"_where"}
    if extra:
        problems.append(f"unknown fields {sorted(extra)}")
    if problems:
        return problems
    problems += validate_labels(row)
    if row["confidence"] not in ("high", "low"):
        problems.append(f"confidence must be 'high' or 'low', got {row['confidence']!r}")
    if row["split"] not in SPLITS:
        problems.append(f"unknown split {row['split']!r}")
    if str(row["id"]) not in texts:
        problems.append(f"id {row['id']!r} is not in the texts file")
    elif not texts[str(row["id"])].strip():
        problems.append(f"id {row['id']!r} has an empty text")
    return problems


def load_label_sets(manifests: list[str | Path]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(rows, records): every labeled row joined to its text, and one provenance record per set.

    A row carries the contract's fields, ``text``, ``split``, ``confidence``, ``label_set``
    and ``weight`` (the set's weight, times ``low_confidence_weight`` for low-confidence
    labels). Raises CorpusError naming the file at the first problems.
    """
    rows: list[dict[str, Any]] = []
    records: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for manifest in manifests:
        for label_set in load_manifest(manifest):
            if not label_set.labels.is_file():
                raise CorpusError(f"{label_set.labels}: labels of set {label_set.name!r} not found")
            texts = _read_texts(label_set)
            labels = load_jsonl(label_set.labels)
            problems = []
            for row in labels:
                problems += [f"{label_set.labels.name}:{row['_where'].split(':')[-1]}: {p}"
                             for p in _validate(row, texts)]
                if str(row.get("id")) in seen:
                    problems.append(f"{row['_where']}: id {row.get('id')!r} also labeled in {seen[str(row['id'])]}")
                seen[str(row.get("id"))] = row["_where"]
            if problems:
                more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
                raise CorpusError(f"{label_set.labels}: " + "; ".join(problems[:10]) + more)
            for row in labels:
                weight = label_set.weight * (label_set.low_confidence_weight if row["confidence"] == "low" else 1.0)
                rows.append({**{k: v for k, v in row.items() if k not in ("_where", "note")},
                             "id": str(row["id"]), "text": texts[str(row["id"])], "label_set": label_set.name,
                             "weight": weight})
            records.append({"name": label_set.name, "labels": _shown(label_set.labels),
                            "labels_sha256": sha256_path(label_set.labels), "texts": _shown(label_set.texts),
                            "texts_sha256": label_set.texts_sha256, "rows": len(labels),
                            "train": sum(r["split"] == "train" for r in labels),
                            "heldout": sum(r["split"] == "heldout" for r in labels),
                            "weight": label_set.weight, "low_confidence_weight": label_set.low_confidence_weight})
    return rows, records

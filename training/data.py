"""Loading the labeled corpus, validating it against the labeling contract, and its fixed split."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from triage.errors import CorpusError
from triage.labels import CATEGORIES, ROUTES, URGENCIES

__all__ = [
    "CORPUS_DIR",
    "REGISTERS",
    "SPLITS",
    "assign_splits",
    "corpus_files",
    "corpus_sha256",
    "default_dev_path",
    "load_corpus",
    "load_jsonl",
    "validate_labels",
    "validate_row",
]

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
REGISTERS = ("hotline", "letter", "sms", "spoken")
SPLITS = ("train", "heldout")
_FIELDS = {"id", "text", "category", "categories", "urgency", "route", "register", "note", "split"}
_REQUIRED = ("id", "text", "category", "categories", "urgency", "route", "register")


def default_dev_path() -> Path:
    """The real-text evaluation set beside the repository (``../shared/eval/dev.jsonl``)."""
    return Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "dev.jsonl"


def corpus_files(corpus_dir: str | Path | None = None) -> list[Path]:
    corpus_dir = Path(corpus_dir) if corpus_dir else CORPUS_DIR
    files = sorted(corpus_dir.glob("*.jsonl"))
    if not files:
        raise CorpusError(f"{corpus_dir}: no .jsonl files")
    return files


def corpus_sha256(corpus_dir: str | Path | None = None) -> str:
    digest = hashlib.sha256()
    for path in corpus_files(corpus_dir):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_jsonl(path: str | Path) -> list[dict[str, Any]]:
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise CorpusError(f"{path}:{n}: not JSON: {e}") from e
            if not isinstance(row, dict):
                raise CorpusError(f"{path}:{n}: expected a JSON object")
            row["_where"] = f"{Path(path).name}:{n}"
            rows.append(row)
    return rows


def validate_row(row: dict[str, Any], *, require_split: bool = True) -> list[str]:
    """Every way the row breaks the labeling contract (empty when it is valid)."""
    problems = [f"missing field {f!r}" for f in _REQUIRED if f not in row]
    if require_split and "split" not in row:
        problems.append("missing field 'split' (run 'triage corpus split')")
    extra = set(row) - _FIELDS - {"_where"}
    if extra:
        problems.append(f"unknown fields {sorted(extra)}")
    if problems:
        return problems
    if not isinstance(row["text"], str) or not row["text"].strip():
        problems.append("empty text")
    problems += validate_labels(row)
    if row["register"] not in REGISTERS:
        problems.append(f"unknown register {row['register']!r}")
    if "split" in row and row["split"] not in SPLITS:
        problems.append(f"unknown split {row['split']!r}")
    return problems


def validate_labels(row: dict[str, Any]) -> list[str]:
    """Every way the row's label fields (category, categories, urgency, route) break the contract."""
    problems = []
    if row["category"] not in CATEGORIES:
        problems.append(f"unknown category {row['category']!r}")
    cats = row["categories"]
    if not isinstance(cats, list) or not cats or cats[0] != row["category"]:
        problems.append("'categories' must be a list that starts with 'category'")
    elif set(cats) - set(CATEGORIES) or len(set(cats)) != len(cats):
        problems.append(f"bad 'categories' {cats}")
    if row["urgency"] not in URGENCIES:
        problems.append(f"unknown urgency {row['urgency']!r}")
    if row["route"] not in ROUTES:
        problems.append(f"unknown route {row['route']!r}")
    if row["category"] == "other" and row["route"] != "manual":
        problems.append("category 'other' must route to 'manual' (rule 6)")
    if row["category"] == "gas" and row["route"] != "gas_utility":
        problems.append("category 'gas' must route to 'gas_utility' (rule 1)")
    return problems


def load_corpus(corpus_dir: str | Path | None = None, *, require_split: bool = True) -> list[dict[str, Any]]:
    """Every row of every corpus file, validated; raises CorpusError listing the first problems."""
    rows: list[dict[str, Any]] = []
    for path in corpus_files(corpus_dir):
        rows.extend(load_jsonl(path))
    problems, seen = [], set()
    for row in rows:
        problems += [f"{row['_where']}: {p}" for p in validate_row(row, require_split=require_split)]
        if row.get("id") in seen:
            problems.append(f"{row['_where']}: duplicate id {row.get('id')!r}")
        seen.add(row.get("id"))
    if problems:
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        raise CorpusError("; ".join(problems[:10]) + more)
    return rows


def assign_splits(rows: Iterable[dict[str, Any]], heldout: float = 0.15) -> int:
    """Give every row without a ``split`` one, stratified by category and urgency; returns how many.

    Rows that already have a split keep it, so the held-out set stays fixed as
    the corpus grows. Within a stratum, new rows are ordered by a hash of their
    id, and enough go to ``heldout`` to bring the stratum to the target share.
    """
    strata: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        strata[(row["category"], row["urgency"])].append(row)
    assigned = 0
    for members in strata.values():
        fresh = sorted((r for r in members if "split" not in r),
                       key=lambda r: hashlib.sha1(str(r["id"]).encode()).hexdigest())
        want = round(heldout * len(members)) - sum(r.get("split") == "heldout" for r in members)
        for i, row in enumerate(fresh):
            row["split"] = "heldout" if i < want else "train"
            assigned += 1
    return assigned

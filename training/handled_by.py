"""A second, independent route figure: where Dalian letters were really handled.

The pool's Dalian letters name the unit that handled each one (``handled_by``).
``training/real/handled_by.json`` maps units to route codes where the unit can only be
that party (the first matching pattern wins; a unit that matches none is left out). The
figure is the share of those letters the model routes to the same party: evidence of
real dispatch, not gold, since a unit also answers letters outside its remit.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Collection
from pathlib import Path
from typing import Any

from triage.errors import CorpusError
from triage.labels import ROUTES
from triage.triager import Triager

from .data import load_jsonl
from .evaluate import predict_rows

__all__ = ["DEFAULT_MAPPING", "handled_by_agreement", "load_mapping"]

DEFAULT_MAPPING = Path(__file__).resolve().parent / "real" / "handled_by.json"


def load_mapping(path: str | Path = DEFAULT_MAPPING) -> list[tuple[re.Pattern[str], str | None]]:
    """The (pattern, route) rules of a mapping file, validated; raises CorpusError naming the file."""
    try:
        rules = json.loads(Path(path).read_text(encoding="utf-8"))["rules"]
        out = [(re.compile(r["pattern"]), r["route"]) for r in rules]
    except (OSError, ValueError, KeyError, TypeError, re.error) as e:
        raise CorpusError(f"{path}: not a handled_by mapping: {e}") from e
    bad = [route for _, route in out if route is not None and route not in ROUTES]
    if bad:
        raise CorpusError(f"{path}: unknown route codes {bad}")
    return out


def mapped_route(unit: str, mapping: list[tuple[re.Pattern[str], str | None]]) -> str | None:
    for pattern, route in mapping:
        if pattern.search(unit):
            return route
    return None


def handled_by_agreement(triager: Triager, texts_path: str | Path, *, exclude: Collection[str] = (),
                         mapping_path: str | Path = DEFAULT_MAPPING) -> dict[str, Any]:
    """Route agreement with the handling unit, over the mapped letters not in ``exclude`` (training ids)."""
    mapping = load_mapping(mapping_path)
    rows = []
    for row in load_jsonl(texts_path):
        route = mapped_route(str(row.get("handled_by") or ""), mapping)
        if route and str(row["id"]) not in exclude and str(row.get("text", "")).strip():
            rows.append({"id": str(row["id"]), "text": row["text"], "route": route})
    if not rows:
        return {"n": 0}
    predicted = predict_rows(triager, rows)
    agree = [predicted[r["id"]]["route"] == r["route"] for r in rows]
    routed = [r for r in rows if predicted[r["id"]]["route"] != "manual"]
    return {
        "n": len(rows),
        "agreement": sum(agree) / len(rows),
        "answered_manual": 1 - len(routed) / len(rows),
        "agreement_when_routed": (sum(predicted[r["id"]]["route"] == r["route"] for r in routed) / len(routed)
                                  if routed else 0.0),
        "by_unit_route": dict(Counter(r["route"] for r in rows)),
    }

"""How well place extraction finds the place of real messages: precision, recall and exact-span accuracy.

The labels (``training/real/places.jsonl``) hold, per message of the pool, the one most
specific place of the problem as offsets into the pool's text (``start``, ``end``; ``-1`` when
the message names no place) and its ``kind``; the texts stay in the pool. Run::

    python -m training.place_eval                       # the shipped labels, patterns only
    python -m training.place_eval --directory DIR       # with a city's dispatch directory
    python -m training.place_eval --part odd            # the half never looked at while tuning

A prediction is **found** when its span overlaps the labeled one, **exact** when both ends agree.
Precision is found / places predicted (a place predicted for a message that names none counts
against it), recall is found / messages that name a place, exact-span accuracy is exact /
messages that name a place; ``kind`` agreement is counted over the found ones.
"""

from __future__ import annotations

import argparse
import json
import sys
import zlib
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from triage.dispatch import PlaceFinder, load_directory
from triage.dispatch.places import Place
from triage.errors import CorpusError
from triage.text.normalize import normalize, trace

from .real import DEFAULT_MANIFEST, ROOT, load_manifest

__all__ = ["DEFAULT_LABELS", "find_place", "load_place_labels", "main", "score"]

DEFAULT_LABELS = ROOT / "training" / "real" / "places.jsonl"
_KINDS = {"compound", "address", "road", "village", "district", "none"}


def load_place_labels(path: Path, texts: Mapping[str, str]) -> list[dict[str, Any]]:
    """The labels, each checked against its text (the id exists, the offsets fit); CorpusError names the line."""
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        where = f"{path}: line {number}"
        if row.get("id") not in texts:
            raise CorpusError(f"{where}: id {row.get('id')!r} is not in the texts file")
        if row.get("kind") not in _KINDS:
            raise CorpusError(f"{where}: kind {row.get('kind')!r} is not one of {', '.join(sorted(_KINDS))}")
        start, end = row.get("start"), row.get("end")
        if (row["kind"] == "none") != (start == -1) or (start != -1 and not 0 <= start < end <= len(texts[row["id"]])):
            raise CorpusError(f"{where}: offsets {start}..{end} do not fit kind {row['kind']!r} and the text")
        out.append(row)
    return out


def find_place(finder: PlaceFinder, text: str) -> Place | None:
    """The best place of a caller's text, with offsets into that text (extraction reads the normalised one)."""
    clean = normalize(text)
    place = finder.best(clean)
    if place is None or clean == text:
        return place
    traced = trace(text)
    if traced.text != clean:
        return None if text.find(place.span) < 0 else place.moved(text.find(place.span),
                                                                  text.find(place.span) + len(place.span), place.span)
    start, end = traced.origin[place.start], traced.origin[place.end - 1] + 1
    return place.moved(start, end, text[start:end])


def score(labels: Sequence[Mapping[str, Any]], predicted: Mapping[str, Place | None]) -> dict[str, Any]:
    """The figures for ``predicted`` (by id) against ``labels``."""
    named = [r for r in labels if r["start"] >= 0]
    found = exact = same_kind = guessed = 0
    by_kind: Counter[str] = Counter()
    found_by_kind: Counter[str] = Counter()
    for row in labels:
        place = predicted.get(row["id"])
        guessed += place is not None
        if row["start"] < 0 or place is None:
            continue
        by_kind[row["kind"]] += 0
        if place.start < row["end"] and row["start"] < place.end:
            found += 1
            found_by_kind[row["kind"]] += 1
            exact += place.start == row["start"] and place.end == row["end"]
            same_kind += place.kind == row["kind"]
    for row in named:
        by_kind[row["kind"]] += 1
    nothing = [r for r in labels if r["start"] < 0]
    return {
        "messages": len(labels), "naming_a_place": len(named), "predicted": guessed,
        "precision": found / guessed if guessed else 0.0, "recall": found / len(named) if named else 0.0,
        "exact_span": exact / len(named) if named else 0.0, "kind_agreement": same_kind / found if found else 0.0,
        "none_right": sum(predicted.get(r["id"]) is None for r in nothing) / len(nothing) if nothing else 0.0,
        "recall_by_kind": {k: round(found_by_kind[k] / n, 3) for k, n in sorted(by_kind.items())},
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.place_eval", description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS, help="place labels (JSONL of offsets)")
    parser.add_argument("--texts", type=Path,
                        help="the texts file (default: the pool that training/real/sets.json names)")
    parser.add_argument("--directory", type=Path, help="a dispatch directory (folder or .xlsx) to match names from")
    parser.add_argument("--part", choices=("even", "odd"),
                        help="only the messages whose crc32(id) is even (the part the place words were tuned on) "
                        "or odd (never looked at while tuning)")
    args = parser.parse_args(argv)
    texts_path = args.texts or load_manifest(DEFAULT_MANIFEST)[0].texts
    texts = {}
    with open(texts_path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            texts[row["id"]] = row["text"]
    labels = load_place_labels(args.labels, texts)
    if args.part:
        labels = [r for r in labels if zlib.crc32(r["id"].encode()) % 2 == (args.part == "odd")]
    finder = PlaceFinder(load_directory(args.directory) if args.directory else None)
    figures = score(labels, {r["id"]: find_place(finder, texts[r["id"]]) for r in labels})
    print(f"{figures['messages']} labeled messages, {figures['naming_a_place']} naming a place; "
          f"{figures['predicted']} places predicted")
    for name in ("precision", "recall", "exact_span", "kind_agreement", "none_right"):
        print(f"{name:>15}: {figures[name]:.3f}")
    print("recall by kind: " + ", ".join(f"{k} {v:.3f}" for k, v in figures["recall_by_kind"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How well the safety net holds: emergency recall and precision, by kind, on a labeled set.

The set is ``tests/data/emergencies.jsonl``: texts written in real registers, half emergencies
of every kind in the labeling guide, half hard negatives (negated, resolved, feared, habitual,
燃气费, 下水道臭味 …). Each row has the contract's fields plus ``emergency`` and ``kind``.

    python -m training.safety_report                     # the shipped model on the shipped set
    python -m training.safety_report --models DIR FILE   # another model or set
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from triage import Triager

from .real import ROOT

DEFAULT_SET = ROOT / "tests" / "data" / "emergencies.jsonl"


@dataclass
class SafetyFigures:
    """Emergency recall and precision, and category/route on the emergencies, overall and by kind."""

    n: int = 0
    true_pos: int = 0
    false_pos: int = 0
    false_neg: int = 0
    category_right: int = 0
    route_right: int = 0
    by_kind: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    decided_by: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    misses: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.true_pos / max(self.true_pos + self.false_neg, 1)

    @property
    def precision(self) -> float:
        return self.true_pos / max(self.true_pos + self.false_pos, 1)


def load_set(path: str | Path = DEFAULT_SET) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def measure(triager: Triager, rows: list[dict]) -> SafetyFigures:
    figures = SafetyFigures(n=len(rows))
    for row, result in zip(rows, triager.triage_many([r["text"] for r in rows]), strict=True):
        gold, said = row["urgency"] == "emergency", result.urgency == "emergency"
        kind = figures.by_kind[row["kind"]]
        kind[0] += 1
        kind[1] += gold == said
        if gold and said:
            figures.true_pos += 1
            figures.decided_by[str(result.explanation["urgency"].get("decided_by"))] += 1
            figures.category_right += result.category == row["category"]
            figures.route_right += result.route == row["route"]
        elif said:
            figures.false_pos += 1
            figures.misses.append(f"false alarm {row['id']} ({row['kind']})")
        elif gold:
            figures.false_neg += 1
            figures.misses.append(f"missed {row['id']} ({row['kind']})")
    return figures


def render(f: SafetyFigures) -> str:
    found = max(f.true_pos, 1)
    lines = [f"texts {f.n}: emergency recall {f.recall:.3f}, precision {f.precision:.3f} "
             f"({f.true_pos} found, {f.false_neg} missed, {f.false_pos} false alarms)",
             f"emergencies found: category right {f.category_right / found:.3f}, "
             f"route right {f.route_right / found:.3f}; decided by {dict(f.decided_by)}",
             "", "| kind | texts | answered right |", "|---|---|---|"]
    lines += [f"| {kind} | {n} | {ok / n:.3f} |" for kind, (n, ok) in sorted(f.by_kind.items())]
    return "\n".join([*lines, "", *f.misses])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("set", nargs="?", default=str(DEFAULT_SET))
    parser.add_argument("--models", default="models", help="models folder (default: ./models)")
    args = parser.parse_args(argv)
    triager = Triager.load(models_dir=args.models)
    print(render(measure(triager, load_set(args.set))))


if __name__ == "__main__":
    main()

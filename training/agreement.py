"""Agreement between two independent labelings of the same messages, per field (Cohen's kappa).

    python -m training.agreement training/real/double/pass1.jsonl training/real/double/pass2.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from sklearn.metrics import cohen_kappa_score

from .data import load_jsonl

__all__ = ["FIELDS", "agreement"]

FIELDS = ("category", "urgency", "route")


def agreement(first: list[dict[str, Any]], second: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Share agreeing and Cohen's kappa per field, over the ids both labelings hold."""
    a = {str(r["id"]): r for r in first}
    b = {str(r["id"]): r for r in second}
    ids = sorted(a.keys() & b.keys())
    if not ids:
        raise ValueError("the two labelings share no id")
    out = {}
    for field in FIELDS:
        x, y = [a[i][field] for i in ids], [b[i][field] for i in ids]
        out[field] = {"n": len(ids), "agree": sum(p == q for p, q in zip(x, y, strict=True)) / len(ids),
                      # one value throughout: agreement is complete, and kappa is defined as 1
                      "kappa": float(cohen_kappa_score(x, y)) if len(set(x) | set(y)) > 1 else 1.0}
    return out


if __name__ == "__main__":
    first, second = (load_jsonl(Path(p)) for p in sys.argv[1:3])
    for field, f in agreement(first, second).items():
        print(f"{field:9s} n={f['n']}  agree {f['agree']:.3f}  kappa {f['kappa']:.3f}")

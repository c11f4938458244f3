"""The fixed train/held-out split of real labels, by groups of near-duplicate and same-incident texts.

Citizens repost the same grievance, and neighbours write about the same incident. Such texts
must fall on one side of the split, or the held-out figures measure memory. Two texts are
grouped when their character 3-gram sets have Jaccard >= ``JACCARD`` or one holds at least
``CONTAINMENT`` of the other's 3-grams (the test by which the pool was kept apart from the
evaluation sets), and groups are closed under that relation (union-find).

Rows that already have a split keep it, so the held-out set stays fixed as labels are added;
a new row joins the split of any labeled row in its group, and a new group goes to
``heldout`` when a hash of its first id falls in the held-out share.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from .checks import near_duplicate_pairs

__all__ = ["CONTAINMENT", "HELDOUT_SHARE", "JACCARD", "assign_grouped_splits", "incident_groups",
           "straddling_groups"]

JACCARD, CONTAINMENT = 0.25, 0.4
HELDOUT_SHARE = 0.2


def incident_groups(texts: Sequence[str]) -> list[int]:
    """A group number per text; texts in one group are near-duplicates or about the same incident."""
    parent = list(range(len(texts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    if len(texts) > 1:
        for i, j, _ in near_duplicate_pairs(texts, threshold=JACCARD, ngram=3, containment=CONTAINMENT):
            a, b = find(i), find(j)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return [find(i) for i in range(len(texts))]


def _hash_share(key: str) -> float:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) / 0x1_0000_0000


def assign_grouped_splits(rows: list[dict[str, Any]], heldout: float = HELDOUT_SHARE) -> int:
    """Give every row (with ``id`` and ``text``) lacking a ``split`` one; returns how many were assigned."""
    groups = incident_groups([str(r["text"]) for r in rows])
    members: dict[int, list[dict[str, Any]]] = {}
    for group, row in zip(groups, rows, strict=True):
        members.setdefault(group, []).append(row)
    assigned = 0
    for group_rows in members.values():
        fresh = [r for r in group_rows if not r.get("split")]
        if not fresh:
            continue
        known = [r["split"] for r in group_rows if r.get("split")]
        first = min(str(r["id"]) for r in group_rows)
        split = known[0] if known else ("heldout" if _hash_share(first) < heldout else "train")
        for row in fresh:
            row["split"] = split
            assigned += 1
    return assigned


def straddling_groups(rows: list[dict[str, Any]]) -> list[list[str]]:
    """The ids of every group whose rows sit on both sides of the split (should be none)."""
    groups = incident_groups([str(r["text"]) for r in rows])
    sides: dict[int, set[str]] = {}
    ids: dict[int, list[str]] = {}
    for group, row in zip(groups, rows, strict=True):
        sides.setdefault(group, set()).add(str(row["split"]))
        ids.setdefault(group, []).append(str(row["id"]))
    return [sorted(ids[g]) for g, s in sides.items() if len(s) > 1]

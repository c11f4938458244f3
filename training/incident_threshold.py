"""Choosing the merge threshold on labeled pairs of real messages, and measuring merging with it.

    .venv/bin/python -m training.incident_threshold [--pairs training/real/incident_pairs.jsonl]
        [--pool ../shared/real/pool.jsonl] [--models models] [--write]

Each pair (``a``, ``b``: pool ids; ``same``: one incident or not) is joined to its two texts. The
active model triages both, and merging is judged as the store applies it, time aside (a labeled
pair may be months apart): one incident when :func:`triage.incidents.same_incident` says so with
both reports at one moment. While answers carry no place, every pair goes through the no-place
step, so the threshold chosen is ``no_place``.

The threshold is the one with the best F-beta (beta 0.5: a wrong merge hides a complaint inside
another one's job, a missed merge only costs a dispatcher a second look). The figures printed are
cross-validated: the pairs are cut into folds along the texts they share (a text in two pairs
stays in one fold), each fold is judged with the threshold chosen on the others, and precision
and recall are counted over all folds' held-out answers. ``--write`` records the threshold chosen
on all pairs in the policy file.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from triage.datafiles import default_data_path
from triage.incidents import IncidentPolicy, Report, place_key, same_incident

__all__ = ["choose_threshold", "cross_validated", "folds_by_text", "judge", "load_pairs", "record_threshold"]

ROOT = Path(__file__).resolve().parent.parent
PAIRS = ROOT / "training" / "real" / "incident_pairs.jsonl"
POOL = ROOT.parent / "shared" / "real" / "pool.jsonl"
GRID = np.round(np.arange(0.05, 0.96, 0.01), 2)
_MOMENT = datetime(2026, 1, 1, tzinfo=UTC)


def load_pairs(path: Path) -> list[dict[str, Any]]:
    """The labeled pairs; a row without ids or a true/false ``same`` raises ValueError naming its line."""
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if not (isinstance(row.get("a"), str) and isinstance(row.get("b"), str) and isinstance(row.get("same"), bool)):
            raise ValueError(f"{path}:{number}: expected ids 'a' and 'b' and a true/false 'same'")
        pairs.append(row)
    return pairs


def pool_texts(path: Path, ids: set[str]) -> dict[str, str]:
    found = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if row["id"] in ids:
                found[row["id"]] = row["text"]
    return found


def judge(pairs: Sequence[dict[str, Any]], reports: dict[str, Report], policy: IncidentPolicy) -> list[dict[str, Any]]:
    """For each pair, what decides it before the threshold: the rule's step, the similarity, and whether the
    two share an LSH band (the store compares a new ticket only with those that do, or name its place)."""
    out, hasher = [], policy.hasher()
    for p in pairs:
        a, b = reports[p["a"]], reports[p["b"]]
        d = same_incident(a, b, replace(policy, no_place=1.0, same_place=1.0))
        banded = bool(set(hasher.band_keys(a.signature)) & set(hasher.band_keys(b.signature)))
        out.append({"same": p["same"], "step": d.reason, "similarity": d.similarity,
                    "found": banded or (a.place is not None and a.place == b.place)})
    return out


def _counts(said: np.ndarray, truth: np.ndarray, beta: float) -> dict[str, Any]:
    tp = int((said & truth).sum())
    precision = tp / int(said.sum()) if said.any() else 1.0
    recall = tp / int(truth.sum()) if truth.any() else 1.0
    f = (1 + beta**2) * precision * recall / max(beta**2 * precision + recall, 1e-12)
    return {"merged": int(said.sum()), "precision": round(precision, 4), "recall": round(recall, 4),
            f"f{beta:g}": round(f, 4)}


def choose_threshold(similarities: np.ndarray, truth: np.ndarray, *, beta: float = 0.5) -> float:
    """The grid threshold with the best F-beta over these pairs (a tie goes to the higher threshold)."""
    best_f, best_t = -1.0, float(GRID[-1])
    for t in GRID[::-1]:
        f = _counts(similarities >= t, truth, beta)[f"f{beta:g}"]
        if f > best_f:
            best_f, best_t = f, float(t)
    return best_t


def folds_by_text(pairs: Sequence[dict[str, Any]], k: int) -> np.ndarray:
    """A fold number per pair; pairs joined by a shared text (directly or through others) share a fold."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in pairs:
        parent[root(p["a"])] = root(p["b"])
    groups: dict[str, list[int]] = {}
    for i, p in enumerate(pairs):
        groups.setdefault(root(p["a"]), []).append(i)
    fold, sizes = np.zeros(len(pairs), dtype=int), [0] * k
    for members in sorted(groups.values(), key=len, reverse=True):  # biggest first, into the smallest fold
        f = sizes.index(min(sizes))
        fold[members] = f
        sizes[f] += len(members)
    return fold


def cross_validated(similarities: np.ndarray, truth: np.ndarray, folds: np.ndarray, *,
                    found: np.ndarray | None = None, beta: float = 0.5) -> dict[str, Any]:
    """Held-out precision and recall: each fold judged with the threshold chosen on the other folds. With
    ``found``, a held-out pair counts as merged only if it is also found (the threshold is chosen as before)."""
    said = np.zeros(len(truth), dtype=bool)
    chosen = []
    for f in np.unique(folds):
        held = folds == f
        t = choose_threshold(similarities[~held], truth[~held], beta=beta)
        said[held] = (similarities[held] >= t) & (True if found is None else found[held])
        chosen.append(t)
    return {**_counts(said, truth, beta), "fold_thresholds": chosen}


def record_threshold(path: Path, name: str, value: float) -> None:
    """Write ``thresholds.<name>: value`` into the policy file, keeping its comments, and check it loads."""
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(rf"^(\s+{name}:\s*)[0-9.]+", re.M)
    if not pattern.search(text):
        raise ValueError(f"{path}: no 'thresholds: {name}:' line to update")
    path.write_text(pattern.sub(lambda m: f"{m.group(1)}{value:g}", text, count=1), encoding="utf-8")
    IncidentPolicy.load(path)


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    parser.add_argument("--pool", type=Path, default=POOL)
    parser.add_argument("--models", type=Path, default=ROOT / "models")
    parser.add_argument("--policy", type=Path, default=default_data_path("incidents.yaml"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="record the chosen threshold in the policy file")
    args = parser.parse_args(argv)
    from triage import Triager

    policy = IncidentPolicy.load(args.policy)
    pairs = load_pairs(args.pairs)
    ids = {p[s] for p in pairs for s in ("a", "b")}
    texts = pool_texts(args.pool, ids)
    missing = sorted(ids - set(texts))
    pairs = [p for p in pairs if p["a"] in texts and p["b"] in texts]
    order = sorted(texts)
    answers = Triager.load(models_dir=args.models).triage_many([texts[i] for i in order])
    hasher = policy.hasher()
    reports = {i: Report(hasher.signature(texts[i]), r.category, place_key(r), _MOMENT)
               for i, r in zip(order, answers, strict=True)}
    judged = judge(pairs, reports, policy)
    truth = np.array([j["same"] for j in judged])
    scored = np.array([j["step"] in ("no_place", "same_place") for j in judged])
    similarity = np.array([j["similarity"] if j["similarity"] is not None else 0.0 for j in judged])
    found = np.array([j["found"] for j in judged])
    steps = [j["step"] for j in judged]
    if any(s == "same_place" for s in steps):
        print("note: some answers carry places; this version chooses no_place over all scored pairs")
    folds = folds_by_text(pairs, args.folds)
    threshold = choose_threshold(similarity[scored], truth[scored])
    report = {
        "pairs": len(pairs), "same": int(truth.sum()), "not_same": int((~truth).sum()),
        "ids_missing_from_pool": missing, "stopped_before_similarity": {s: steps.count(s) for s in sorted(set(steps))
                                                                        if s not in ("no_place", "same_place")},
        "threshold": "no_place", "chosen_on_all_pairs": threshold, "beta": 0.5,
        "cross_validated": cross_validated(np.where(scored, similarity, -1.0), truth, folds),
        # as the store finds them: a pair that shares no band (nor a place) is never compared
        "cross_validated_as_the_store_finds_them": cross_validated(np.where(scored, similarity, -1.0), truth,
                                                                   folds, found=found),
        "text_only_cross_validated": cross_validated(similarity_all(pairs, reports), truth, folds),
    }
    print(json.dumps(report, ensure_ascii=False, indent=1))
    if args.write:
        record_threshold(args.policy, "no_place", threshold)
        print(f"{args.policy}: thresholds.no_place = {threshold:g}")
    return report


def similarity_all(pairs: Sequence[dict[str, Any]], reports: dict[str, Report]) -> np.ndarray:
    """The similarity of every pair's texts, whatever their categories (the text alone, for comparison)."""
    from triage.incidents import similarity

    return np.array([similarity(reports[p["a"]].signature, reports[p["b"]].signature) for p in pairs])


if __name__ == "__main__":
    main()

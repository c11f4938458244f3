"""Corpus checks: schema, the counts the corpus promises, near-duplicates and overlap with the dev set."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from triage.text.normalize import to_simplified
from triage.text.pii import mask_pii

from .data import REGISTERS, corpus_files, default_dev_path, load_jsonl, validate_row

__all__ = ["MINIMUMS", "CheckReport", "check_corpus", "near_duplicate_pairs"]

#: The counts the corpus promises (see training/corpus/README.md).
MINIMUMS: dict[str, int] = {
    "texts": 3000,
    "category:water": 400, "category:gas": 400, "category:drainage": 400, "category:parking": 400,
    "category:lighting": 400, "category:other": 900,
    "urgency:emergency": 300, "urgency:high": 600,
    **{f"route:{r}": 100 for r in ("property", "owner_unit", "community", "water_utility", "gas_utility",
                                    "drainage_authority", "streetlight_authority", "traffic_police",
                                    "urban_management", "manual")},
    "multi_issue": 200,
    "traditional": 30,
    "with_personal_data": 100,
}
REGISTER_MIN_SHARE = 0.10
NEAR_DUP_JACCARD, NEAR_DUP_MAX_SHARE = 0.6, 0.02
DEV_OVERLAP_JACCARD = 0.5
HELDOUT_SHARE = (0.12, 0.18)


@dataclass
class CheckReport:
    counts: dict[str, int]
    problems: list[str] = field(default_factory=list)
    near_duplicates: list[tuple[float, str, str]] = field(default_factory=list)
    dev_overlaps: list[tuple[float, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _grams_text(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def near_duplicate_pairs(a: Sequence[str], b: Sequence[str] | None = None, threshold: float = 0.6, *,
                         ngram: int = 4, containment: float | None = None) -> list[tuple[int, int, float]]:
    """Pairs (i, j, jaccard) of texts whose character ``ngram`` sets have Jaccard >= threshold
    (or, with ``containment``, where one text holds at least that share of the other's n-grams).

    With one list, pairs within it (i < j); with two, pairs across them.
    """
    vectorizer = CountVectorizer(analyzer="char", ngram_range=(ngram, ngram), binary=True, lowercase=False,
                                 dtype=np.int32)
    left = [_grams_text(t) for t in a]
    right = left if b is None else [_grams_text(t) for t in b]
    vectorizer.fit(left + (right if b is not None else []))
    A = vectorizer.transform(left)
    B = A if b is None else vectorizer.transform(right)
    inter = (A @ B.T).tocoo()
    size_a = np.maximum(np.asarray(A.sum(axis=1)).ravel(), 1)
    size_b = np.maximum(np.asarray(B.sum(axis=1)).ravel(), 1)
    out = []
    for i, j, n in zip(inter.row, inter.col, inter.data, strict=True):
        if b is None and i >= j:
            continue
        jac = n / (size_a[i] + size_b[j] - n)
        if jac >= threshold or (containment is not None and n / min(size_a[i], size_b[j]) >= containment):
            out.append((int(i), int(j), float(jac)))
    return sorted(out, key=lambda x: -x[2])


def check_corpus(corpus_dir: str | Path | None = None, dev_path: str | Path | None = None) -> CheckReport:
    """Run every corpus check and return counts and problems (an empty problem list means it passes)."""
    rows: list[dict[str, Any]] = []
    for path in corpus_files(corpus_dir):
        rows.extend(load_jsonl(path))
    problems = []
    ids = Counter(str(r.get("id")) for r in rows)
    for row in rows:
        problems += [f"{row['_where']}: {p}" for p in validate_row(row)]
        if ids[str(row.get("id"))] > 1:
            problems.append(f"{row['_where']}: duplicate id {row.get('id')!r}")
    valid = [r for r in rows if not validate_row(r)]
    counts = _counts(valid)
    counts["texts"] = len(rows)
    for key, minimum in MINIMUMS.items():
        if counts.get(key, 0) < minimum:
            problems.append(f"{key}: {counts.get(key, 0)} texts, the corpus promises at least {minimum}")
    for register in REGISTERS:
        share = counts.get(f"register:{register}", 0) / max(len(valid), 1)
        if share < REGISTER_MIN_SHARE:
            problems.append(f"register {register}: {share:.1%} of texts, at least {REGISTER_MIN_SHARE:.0%} promised")
    heldout = counts.get("split:heldout", 0) / max(len(valid), 1)
    if not HELDOUT_SHARE[0] <= heldout <= HELDOUT_SHARE[1]:
        problems.append(f"held-out split is {heldout:.1%} of texts, expected about 15%")

    texts = [str(r.get("text", "")) for r in rows]
    pairs = near_duplicate_pairs(texts, threshold=NEAR_DUP_JACCARD)
    redundant = {j for _, j, _ in pairs}
    counts["near_duplicate_texts"] = len(redundant)
    if len(redundant) > NEAR_DUP_MAX_SHARE * len(rows):
        problems.append(f"{len(redundant)} texts near-duplicate another (4-gram Jaccard >= {NEAR_DUP_JACCARD}); "
                        f"at most {NEAR_DUP_MAX_SHARE:.0%} ({int(NEAR_DUP_MAX_SHARE * len(rows))}) allowed")
    report = CheckReport(counts=counts, problems=problems,
                         near_duplicates=[(s, rows[i]["_where"], rows[j]["_where"]) for i, j, s in pairs])
    dev_path = Path(dev_path) if dev_path else default_dev_path()
    if dev_path.is_file():
        dev = load_jsonl(dev_path)
        overlaps = near_duplicate_pairs(texts, [str(d.get("text", "")) for d in dev], threshold=DEV_OVERLAP_JACCARD)
        report.dev_overlaps = [(s, rows[i]["_where"], str(dev[j].get("id"))) for i, j, s in overlaps]
        counts["dev_overlaps"] = len(overlaps)
        if overlaps:
            problems.append(f"{len(overlaps)} texts overlap the dev set (Jaccard >= {DEV_OVERLAP_JACCARD}): "
                            + ", ".join(w for _, w, _ in report.dev_overlaps[:5]))
    return report


def _counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for r in rows:
        counts[f"category:{r['category']}"] += 1
        counts[f"urgency:{r['urgency']}"] += 1
        counts[f"route:{r['route']}"] += 1
        counts[f"register:{r['register']}"] += 1
        counts[f"split:{r.get('split')}"] += 1
        counts["multi_issue"] += len(r["categories"]) > 1
        counts["traditional"] += to_simplified(r["text"]) != r["text"]
        counts["with_personal_data"] += mask_pii(r["text"]) != r["text"]
    return dict(counts)

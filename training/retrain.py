"""Retraining on the corpus plus staff corrections, promoted only through the gate.

1. The labels in force of every corrected ticket (the latest correction of each field wins).
   A fixed ~20% of corrected tickets (by a hash of the ticket id) is held out.
2. A corrected ticket replaces every corpus text it nearly duplicates (character 4-gram
   Jaccard ≥ 0.6): the staff's label is the newer word on that text.
3. A candidate is trained on the corpus's train split plus the other corrected tickets,
   with the active model's parameters.
4. Candidate and active model are scored on the same held-out texts: the corpus's held-out
   split plus the held-out corrected tickets. The candidate is activated only if
   :func:`training.gate.gate_reasons` finds nothing; otherwise it is deleted, and the report
   says why, with both sets of figures.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from triage.model.artifacts import activate, active_version
from triage.triager import Triager

from .checks import near_duplicate_pairs
from .data import corpus_sha256, load_corpus
from .evaluate import score
from .gate import gate_reasons
from .train import fit_and_save, load_real, predict_rows

__all__ = ["HELDOUT_PERCENT", "retrain", "split_corrections"]

HELDOUT_PERCENT = 20


def _held_out(ticket_id: str) -> bool:
    return int(hashlib.sha256(ticket_id.encode()).hexdigest()[:8], 16) % 100 < HELDOUT_PERCENT


def split_corrections(corpus: list[dict[str, Any]], corrected: list[dict[str, Any]]
                      ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, int]]:
    """(train rows, held-out rows, counts) from the corpus and the corrected tickets."""
    replaced: set[int] = set()
    if corrected and corpus:
        pairs = near_duplicate_pairs([r["text"] for r in corrected], [r["text"] for r in corpus])
        replaced = {j for _, j, _ in pairs}
    kept = [r for j, r in enumerate(corpus) if j not in replaced]
    rows = [{"id": f"ticket:{r['id']}", "text": r["text"], "category": r["category"], "urgency": r["urgency"],
             "route": r["route"], "categories": r["categories"], "held_out": _held_out(str(r["id"]))}
            for r in corrected]
    train = [r for r in kept if r["split"] == "train"] + [r for r in rows if not r["held_out"]]
    heldout = [r for r in kept if r["split"] == "heldout"] + [r for r in rows if r["held_out"]]
    held = sum(r["held_out"] for r in rows)
    counts = {"corpus_texts": len(corpus), "corpus_replaced": len(replaced), "corrected_tickets": len(corrected),
              "corrected_train": len(rows) - held, "corrected_heldout": held}
    return train, heldout, counts


def _params(meta: dict[str, Any]) -> dict[str, Any]:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in meta.get("params", {}).items()}


def retrain(corrections: Iterable[dict[str, Any]], *, models_dir: str | Path, corpus_dir: str | Path | None = None,
            label_sets: list[str | Path] | None = None,
            job_id: int | None = None, log: Callable[[str], None] = print,
            on_progress: Callable[..., None] | None = None) -> dict[str, Any]:
    """Train, gate and maybe promote a candidate; returns the report.

    ``corrections`` is a snapshot of the corrected tickets (the store's ``corrected_labels()``:
    ``id``, ``text``, ``category``, ``urgency``, ``route``, ``categories``): training never opens
    the database. ``on_progress(message, **fields)`` hears each step (``status``,
    ``candidate_version`` and, at the end, ``report``), e.g. to keep a job's state.
    """
    models_dir = Path(models_dir)

    def progress(message: str, **fields: Any) -> None:
        log(message)
        if on_progress is not None:
            on_progress(message, **fields)

    progress("loading the active model, the corpus, the real labels and the corrections", status="running")
    was_active = active_version(models_dir)
    active = Triager.load(was_active, models_dir=models_dir)
    corpus = load_corpus(corpus_dir)
    real, records = load_real(label_sets)
    train_rows, heldout, counts = split_corrections(corpus, list(corrections))
    train_rows += [r for r in real if r["split"] == "train"]
    evaluations = {"heldout": heldout, "real_heldout": [r for r in real if r["split"] == "heldout"]}
    evaluations = {name: rows for name, rows in evaluations.items() if rows}
    progress(f"training a candidate on {len(train_rows)} texts ({counts['corrected_train']} corrected tickets)")
    version = datetime.now(UTC).strftime("%Y%m%d-%H%M%S") + (f"-job{job_id}" if job_id is not None else "-retrain")
    training = {**counts, "extra_texts": counts["corrected_train"], "real_texts": len(real) - sum(
        r["split"] == "heldout" for r in real), "label_sets": records, "corpus_sha256": corpus_sha256(corpus_dir)}
    _, meta = fit_and_save(train_rows, evaluations, models_dir, version=version, make_active=False,
                           params=_params(active.meta), training=training, log=log)
    reasons: list[str] = []
    figures: dict[str, Any] = {}
    for name, rows in evaluations.items():
        candidate_figures = meta["metrics"][name]  # fit_and_save scored the candidate on these very texts
        progress(f"scoring {was_active} on the same {len(rows)} texts ({name})", candidate_version=version)
        active_figures = score({str(r["id"]): r for r in rows}, predict_rows(active, rows))
        reasons += [f"{name}: {reason}" for reason in gate_reasons(candidate_figures, active_figures)]
        figures[name] = {"candidate": _summary(candidate_figures), "active": _summary(active_figures)}
    if not reasons and active_version(models_dir) != was_active:
        reasons.append(f"the active model changed from {was_active} to {active_version(models_dir)} meanwhile")
    report = {"candidate": version, "active": was_active, "promoted": not reasons, "reasons": reasons,
              "heldout_texts": sum(len(rows) for rows in evaluations.values()), **counts, "figures": figures}
    if reasons:
        shutil.rmtree(models_dir / version, ignore_errors=True)
        progress(f"kept {was_active}: " + "; ".join(reasons), status="rejected", report=report)
    else:
        activate(version, models_dir)
        progress(f"promoted {version} (was {was_active})", status="promoted", report=report)
    return report


def _summary(figures: dict[str, Any]) -> dict[str, Any]:
    keep = ("n", "category_macro_f1", "category_accuracy", "urgency_accuracy", "emergency_recall",
            "emergency_precision", "route_accuracy")
    return {**{k: figures[k] for k in keep},
            "category_f1": {c: round(v["f1"], 4) for c, v in figures["category_per_class"].items()}}

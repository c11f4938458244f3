"""Train a model version from the corpus, measure it, save it and make it active."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from triage.artifacts import activate, default_models_dir, save_model, sha256_file
from triage.cues import default_data_path
from triage.model import TriageModel
from triage.normalize import normalize
from triage.triager import Triager

from .card import model_card
from .data import corpus_sha256, default_dev_path, load_corpus, load_jsonl
from .evaluate import score

__all__ = ["DATA_FILES", "fit_and_save", "predict_rows", "train"]

DATA_FILES = ("cues.yaml", "policy.yaml", "urgency_rules.yaml", "userdict.txt")


def predict_rows(triager: Triager, rows: list[dict[str, Any]], batch: int = 512) -> dict[str, dict[str, Any]]:
    """Predictions keyed by row id, in batches."""
    out = {}
    for start in range(0, len(rows), batch):
        chunk = rows[start:start + batch]
        for row, result in zip(chunk, triager.triage_many([r["text"] for r in chunk]), strict=True):
            out[str(row["id"])] = result.as_dict()
    return out


def train(corpus_dir: str | Path | None = None, models_dir: str | Path | None = None, *,
          dev_path: str | Path | None = None, version: str | None = None, make_active: bool = True,
          extra_rows: list[dict[str, Any]] | None = None, params: dict[str, Any] | None = None,
          log=print) -> tuple[str, dict[str, Any]]:
    """Fit on the corpus's train split (plus ``extra_rows``), score held-out and dev, save, activate.

    Returns the version name and its meta.json. The dev set is only scored, never trained on.
    """
    rows = load_corpus(corpus_dir)
    train_rows = [r for r in rows if r["split"] == "train"] + list(extra_rows or [])
    heldout = [r for r in rows if r["split"] == "heldout"]
    log(f"corpus: {len(rows)} texts, training on {len(train_rows)}, holding out {len(heldout)}")
    training = {"texts": len(train_rows), "corpus_texts": len(rows), "extra_texts": len(extra_rows or []),
                "corpus_sha256": corpus_sha256(corpus_dir)}
    return fit_and_save(train_rows, heldout, models_dir, dev_path=dev_path, version=version,
                        make_active=make_active, params=params, training=training, log=log)


def fit_and_save(train_rows: list[dict[str, Any]], heldout: list[dict[str, Any]],
                 models_dir: str | Path | None = None, *, dev_path: str | Path | None = None,
                 version: str | None = None, make_active: bool = True, params: dict[str, Any] | None = None,
                 training: dict[str, Any] | None = None, log=print) -> tuple[str, dict[str, Any]]:
    """Fit a model on ``train_rows``, score ``heldout`` (and the dev set, if there), save it, maybe activate it."""
    models_dir = Path(models_dir) if models_dir else default_models_dir()
    started = time.perf_counter()
    model = TriageModel(**(params or {}))
    model.fit([normalize(r["text"]) for r in train_rows], train_rows)
    version = version or datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    triager = Triager(model, version=version)

    metrics: dict[str, Any] = {"heldout": score({str(r["id"]): r for r in heldout}, predict_rows(triager, heldout))}
    dev_path = Path(dev_path) if dev_path else default_dev_path()
    if dev_path.is_file():
        dev = load_jsonl(dev_path)
        metrics["dev"] = score({str(r["id"]): r for r in dev}, predict_rows(triager, dev))
    for name, s in metrics.items():
        log(f"{name}: macro-F1 {s['category_macro_f1']:.3f}  urgency {s['urgency_accuracy']:.3f}  "
            f"emergency recall {s['emergency_recall']:.3f} (precision {s['emergency_precision']:.3f})  "
            f"route {s['route_accuracy']:.3f}  (n={s['n']})")

    meta = {
        "version": version,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "labels": {"categories": model.category_.classes_.tolist(), "urgencies": model.urgency_.classes_.tolist(),
                   "routes": model.route_.classes_.tolist()},
        "params": {k: list(v) if isinstance(v, tuple) else v for k, v in model.get_params().items()},
        "thresholds": {"review": model.review_threshold_, "secondary": model.secondary_threshold_,
                       "emergency_weight": model.urgency_.weight_},
        "review_out_of_fold": model.review_oof_,
        "training": {**{k: v for k, v in (training or {}).items() if k != "corpus_sha256"},
                     "texts": len(train_rows), "seconds": round(time.perf_counter() - started, 1)},
        "hashes": {"corpus": (training or {}).get("corpus_sha256"),
                   **{name: sha256_file(default_data_path(name)) for name in DATA_FILES}},
        "metrics": metrics,
    }
    meta = save_model(model, models_dir / version, meta, card=model_card)
    if make_active:
        activate(version, models_dir)
    log(f"saved {models_dir / version}{' (active)' if make_active else ''}")
    return version, json.loads(json.dumps(meta))

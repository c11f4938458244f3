"""Train a model version from the corpus, measure it, save it and make it active."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from triage.errors import CorpusError
from triage.model.artifacts import activate, save_model
from triage.model.compact import CompactModel
from triage.model.estimator import TriageModel
from triage.model.provenance import data_file_hashes
from triage.text.normalize import normalize
from triage.triager import Triager

from .card import model_card
from .data import corpus_sha256, default_dev_path, load_corpus, load_jsonl
from .evaluate import predict_rows, score
from .handled_by import handled_by_agreement
from .real import DEFAULT_MANIFEST, ROOT, load_label_sets
from .real_split import straddling_groups
from .review import choose_review_thresholds
from .safety_threshold import choose_detector_threshold

__all__ = ["COMPACT_FEATURES", "default_label_sets", "fit_and_save", "load_real", "predict_rows", "train"]

#: The n-grams a shipped model keeps (its weightiest; see triage.model.compact): 7 MB instead of 40.
COMPACT_FEATURES = 150_000


def default_label_sets() -> list[Path]:
    """The label sets training uses unless told otherwise: the shipped manifest of real labels."""
    return [DEFAULT_MANIFEST] if DEFAULT_MANIFEST.is_file() else []


def load_real(label_sets: Sequence[str | Path] | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows and provenance records of the label sets (None: the shipped manifest), split-checked."""
    manifests = default_label_sets() if label_sets is None else [Path(m) for m in label_sets]
    real, records = load_label_sets(manifests) if manifests else ([], [])
    straddling = straddling_groups(real) if real else []
    if straddling:
        raise CorpusError(f"{len(straddling)} groups of near-duplicate real texts straddle the split "
                          f"(e.g. {', '.join(straddling[0][:4])}); give each group one split")
    return real, records


def train(corpus_dir: str | Path | None, models_dir: str | Path, *,
          label_sets: Sequence[str | Path] | None = None, dev_path: str | Path | None = None,
          version: str | None = None, make_active: bool = True, extra_rows: list[dict[str, Any]] | None = None,
          params: dict[str, Any] | None = None, log=print) -> tuple[str, dict[str, Any]]:
    """Fit on the corpus's train split and the real labels' train split (plus ``extra_rows``), score, save.

    ``label_sets`` are manifests of labeled real messages (see :mod:`training.real`); None
    means the shipped one, ``[]`` none. Held-out figures are reported for the corpus and
    for the real labels separately; the dev set is only scored, never trained on. Returns
    the version name and its meta.json.
    """
    rows = load_corpus(corpus_dir)
    real, records = load_real(label_sets)
    real_train = [r for r in real if r["split"] == "train"]
    train_rows = [r for r in rows if r["split"] == "train"] + real_train + list(extra_rows or [])
    evaluations = {"heldout": [r for r in rows if r["split"] == "heldout"]}
    if len(real) > len(real_train):
        evaluations["real_heldout"] = [r for r in real if r["split"] == "heldout"]
    log(f"corpus: {len(rows)} texts, real labels: {len(real)} in {len(records)} sets; training on "
        f"{len(train_rows)}, holding out " + ", ".join(f"{len(v)} ({k})" for k, v in evaluations.items()))
    training = {"texts": len(train_rows), "corpus_texts": len(rows), "real_texts": len(real_train),
                "extra_texts": len(extra_rows or []), "label_sets": records,
                "corpus_sha256": corpus_sha256(corpus_dir)}

    def evidence(triager: Triager) -> dict[str, Any]:
        seen = {r["id"] for r in real_train}
        figures = {}
        for record in records:
            figures[record["name"]] = handled_by_agreement(triager, ROOT / record["texts"], exclude=seen)
        return {"handled_by": figures} if figures else {}

    return fit_and_save(train_rows, evaluations, models_dir, dev_path=dev_path, version=version,
                        make_active=make_active, params=params, training=training, evidence=evidence, log=log)


def fit_and_save(train_rows: list[dict[str, Any]], evaluations: Mapping[str, list[dict[str, Any]]],
                 models_dir: str | Path, *, dev_path: str | Path | None = None,
                 version: str | None = None, make_active: bool = True, params: dict[str, Any] | None = None,
                 training: dict[str, Any] | None = None,
                 evidence: Callable[[Triager], dict[str, Any]] | None = None,
                 log=print) -> tuple[str, dict[str, Any]]:
    """Fit a model on ``train_rows``, choose its review thresholds, score every set in ``evaluations``
    (and the dev set, if there), save it, maybe activate it.

    A row's ``weight`` (default 1) is its sample weight. The review thresholds are chosen on
    out-of-fold answers for the real rows (those with a ``label_set``), or all rows when
    there are none (see :mod:`training.review`).
    """
    models_dir = Path(models_dir)
    started = time.perf_counter()
    params = dict(params or {})
    budget = params.pop("compact_features", COMPACT_FEATURES)  # a compact model's meta records its own
    model = TriageModel(**params)
    texts = [normalize(r["text"]) for r in train_rows]
    model.fit(texts, train_rows, sample_weight=[float(r.get("weight", 1.0)) for r in train_rows])
    version = version or datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    triager = Triager(model, version=version)
    detector = getattr(model, "emergency_", None)
    safety: dict[str, Any] = {}
    if detector is not None:
        detector.threshold_, safety = choose_detector_threshold(
            triager.rules, texts, model.oof_["emergency_proba"], [r["urgency"] == "emergency" for r in train_rows])
        log(f"emergency detector threshold {detector.threshold_:.3f}: out of fold with the rules, "
            f"recall {safety['recall']:.3f}, precision {safety['precision']:.3f} "
            f"(rules alone find {safety['rules_recall']:.3f})")
    real = [i for i, r in enumerate(train_rows) if r.get("label_set")] or list(range(len(train_rows)))
    oof = triager.decide([texts[i] for i in real], model.oof_predictions().take(real))
    model.review_thresholds_, review = choose_review_thresholds(oof, [train_rows[i] for i in real])
    review["rows"] = "real" if train_rows[real[0]].get("label_set") else "all"
    log("review thresholds " + ", ".join(f"{k} {v:.3f}" for k, v in model.review_thresholds_.items())
        + f": out of fold, {review['flagged_share']:.1%} flagged, unflagged category "
        f"{review['unflagged_category_accuracy']:.3f}, route {review['unflagged_route_accuracy']:.3f}")

    # what ships, and what every figure below is measured on, is the compact form
    full_features = sum(part.n_features_out_ for _, part in model.features_.transformer_list)
    compact = CompactModel.from_model(model, max_features=budget)
    log(f"compact model: {compact.n_features_} of {full_features} n-grams kept")
    triager = Triager(compact, version=version)
    metrics: dict[str, Any] = {name: score({str(r["id"]): r for r in rows}, predict_rows(triager, rows))
                               for name, rows in evaluations.items() if rows}
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
        "params": compact.params,
        "thresholds": {"review": model.review_thresholds_, "secondary": model.secondary_threshold_,
                       "emergency_weight": model.urgency_.weight_,
                       "emergency_detector": None if detector is None else detector.threshold_},
        "review_out_of_fold": review,
        "emergency_out_of_fold": safety,
        "training": {**{k: v for k, v in (training or {}).items() if k != "corpus_sha256"},
                     "texts": len(train_rows), "seconds": round(time.perf_counter() - started, 1)},
        "hashes": {"corpus": (training or {}).get("corpus_sha256"),
                   **data_file_hashes()},
        "metrics": metrics,
        "evidence": evidence(triager) if evidence else {},
    }
    meta = save_model(compact, models_dir / version, meta, card=model_card)
    if make_active:
        activate(version, models_dir)
    log(f"saved {models_dir / version}{' (active)' if make_active else ''}")
    return version, json.loads(json.dumps(meta))

"""Scoring predictions against gold labels, with the same figures as shared/eval/score.py."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

from triage.labels import CATEGORIES, ROUTES, URGENCIES
from triage.triager import Triager

__all__ = ["format_report", "plot_confusion", "predict_rows", "score"]


def predict_rows(triager: Triager, rows: list[dict[str, Any]], batch: int = 512) -> dict[str, dict[str, Any]]:
    """Predictions keyed by row id, in batches."""
    out = {}
    for start in range(0, len(rows), batch):
        chunk = rows[start:start + batch]
        for row, result in zip(chunk, triager.triage_many([r["text"] for r in chunk]), strict=True):
            out[str(row["id"])] = result.as_dict()
    return out


def score(gold: Mapping[str, Mapping[str, Any]], pred: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Figures for predictions matched to gold rows by id (a missing prediction is wrong on every field)."""
    ids = sorted(gold)
    if not ids:
        raise ValueError("no gold rows to score")

    def column(rows: Mapping[str, Mapping[str, Any]], field: str) -> list[str]:
        return [str(rows.get(i, {}).get(field)) for i in ids]

    g_cat, p_cat = column(gold, "category"), column(pred, "category")
    g_urg, p_urg = column(gold, "urgency"), column(pred, "urgency")
    g_route, p_route = column(gold, "route"), column(pred, "route")
    present = [c for c in CATEGORIES if c in g_cat]
    prec, rec, f1, support = precision_recall_fscore_support(
        g_cat, p_cat, labels=list(CATEGORIES), zero_division=0)
    per_class = {c: {"precision": float(prec[k]), "recall": float(rec[k]), "f1": float(f1[k]),
                     "support": int(support[k])} for k, c in enumerate(CATEGORIES)}
    u_prec, u_rec, _, _ = precision_recall_fscore_support(g_urg, p_urg, labels=["emergency"], zero_division=0)
    all3 = [a == b and c == d and e == f for a, b, c, d, e, f in
            zip(g_cat, p_cat, g_urg, p_urg, g_route, p_route, strict=True)]
    return {
        "n": len(ids),
        "missing_predictions": sum(i not in pred for i in ids),
        "category_accuracy": accuracy_score(g_cat, p_cat),
        "category_macro_f1": float(np.mean([per_class[c]["f1"] for c in present])) if present else 0.0,
        "category_per_class": per_class,
        "urgency_accuracy": accuracy_score(g_urg, p_urg),
        "emergency_recall": float(u_rec[0]),
        "emergency_precision": float(u_prec[0]),
        "route_accuracy": accuracy_score(g_route, p_route),
        "all_three_correct": float(np.mean(all3)),
        "category_confusion": confusion_matrix(g_cat, p_cat, labels=list(CATEGORIES)).tolist(),
        "urgency_confusion": confusion_matrix(g_urg, p_urg, labels=list(URGENCIES)).tolist(),
        "route_confusion": confusion_matrix(g_route, p_route, labels=list(ROUTES)).tolist(),
        **_review(ids, pred, {"category": (g_cat, p_cat), "urgency": (g_urg, p_urg), "route": (g_route, p_route)}),
    }


def _review(ids: list[str], pred: Mapping[str, Mapping[str, Any]],
            fields: Mapping[str, tuple[list[str], list[str]]]) -> dict[str, Any]:
    """The review flag's figures, when every prediction carries ``needs_review``."""
    if not all("needs_review" in pred.get(i, {}) for i in ids):
        return {}
    kept = np.array([not pred[i]["needs_review"] for i in ids])
    out: dict[str, Any] = {"flagged_share": float(1 - kept.mean())}
    for name, (gold, guess) in fields.items():
        right = np.array(gold) == np.array(guess)
        out[f"unflagged_{name}_accuracy"] = float(right[kept].mean()) if kept.any() else 1.0
    return {"review": out}


def format_report(s: Mapping[str, Any]) -> str:
    """The figures as text: score.py's lines, then a per-class table and the confusion matrix."""
    lines = [
        f"texts: {s['n']}  missing predictions: {s['missing_predictions']}",
        f"category  accuracy {s['category_accuracy']:.3f}  macro-F1 {s['category_macro_f1']:.3f}",
    ]
    for c, m in s["category_per_class"].items():
        if m["support"]:
            lines.append(f"  {c:9s} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}  n={m['support']}")
    lines += [
        f"urgency   accuracy {s['urgency_accuracy']:.3f}  emergency recall {s['emergency_recall']:.3f}"
        f"  precision {s['emergency_precision']:.3f}",
        f"route     accuracy {s['route_accuracy']:.3f}",
        "",
        "category confusion (rows gold, columns predicted):",
        _matrix(s["category_confusion"], CATEGORIES),
        "urgency confusion (rows gold, columns predicted):",
        _matrix(s["urgency_confusion"], URGENCIES),
        f"summary: macro_f1={s['category_macro_f1']:.3f} urgency_acc={s['urgency_accuracy']:.3f} "
        f"emergency_recall={s['emergency_recall']:.3f} route_acc={s['route_accuracy']:.3f} "
        f"all3={s['all_three_correct']:.3f}",
    ]
    return "\n".join(lines)


def _matrix(m: Sequence[Sequence[int]], labels: Sequence[str]) -> str:
    width = max(len(x) for x in labels) + 1
    head = " " * width + "".join(f"{x[:9]:>10}" for x in labels)
    rows = [f"{a:<{width}}" + "".join(f"{v:>10}" for v in row) for a, row in zip(labels, m, strict=True)]
    return "\n".join([head, *rows])


def plot_confusion(s: Mapping[str, Any], path: str | Path) -> None:
    """Draw the category confusion matrix to a PNG file."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    m = np.array(s["category_confusion"])
    fig, ax = plt.subplots(figsize=(6, 5))
    ax.imshow(m, cmap="Blues")
    ax.set_xticks(range(len(CATEGORIES)), CATEGORIES, rotation=45, ha="right")
    ax.set_yticks(range(len(CATEGORIES)), CATEGORIES)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    for (i, j), v in np.ndenumerate(m):
        ax.text(j, i, str(v), ha="center", va="center", color="white" if v > m.max() / 2 else "black")
    ax.set_title(f"category confusion (n={s['n']}, macro-F1 {s['category_macro_f1']:.3f})")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)

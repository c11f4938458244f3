"""The model card: a model version's meta.json written for people."""

from __future__ import annotations

from typing import Any

__all__ = ["model_card"]


def model_card(meta: dict[str, Any]) -> str:
    lines = [
        f"# triage model {meta['version']}",
        "",
        f"Trained {meta['created']} on {meta['training']['texts']} labeled complaints "
        f"({meta['training'].get('corpus_texts', 0)} in the corpus, {meta['training'].get('extra_texts', 0)} "
        f"from corrections) "
        f"in {meta['training']['seconds']} s.",
        "",
        "Predicts the category (water, gas, drainage, parking, lighting, other), every category a text raises, "
        "the urgency (emergency, high, normal; safety rules can only raise it) and the responsible party "
        "(routing policy, learned tie-breaks), following shared/LABELS.md.",
        "",
        "## Figures",
        "",
        "| set | texts | macro-F1 | urgency acc. | emergency recall | emergency precision | route acc. |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, s in meta["metrics"].items():
        lines.append(f"| {name} | {s['n']} | {s['category_macro_f1']:.3f} | {s['urgency_accuracy']:.3f} | "
                     f"{s['emergency_recall']:.3f} | {s['emergency_precision']:.3f} | {s['route_accuracy']:.3f} |")
    review = meta["review_out_of_fold"]
    lines += [
        "",
        "`heldout` is the corpus's fixed held-out split; `dev` is real citizen text (shared/eval/dev.jsonl), "
        "never trained on.",
        "",
        "## Review flag",
        "",
        f"A text is flagged `needs_review` when the category confidence is below {meta['thresholds']['review']:.3f}. "
        f"Out of fold on the training split this flags {review['share_flagged']:.1%} of texts, which hold "
        f"{review['errors_caught']:.1%} of the category errors; accuracy on the rest is "
        f"{review['accuracy_unflagged']:.3f} (against {review['accuracy_all']:.3f} overall).",
        "",
        "## Provenance",
        "",
        *[f"- {name}: `{value}`" for name, value in meta["libraries"].items()],
        *[f"- sha256 of {name}: `{value}`" for name, value in meta["hashes"].items()],
        f"- sha256 of model.joblib: `{meta['sha256']}`",
        "",
        "## Limits",
        "",
        "The corpus is written by hand to read like real complaints; real text differs, so the `dev` row "
        "is the figure to trust. Place cues in the routing policy are Chinese word lists and miss "
        "addresses they do not contain.",
        "",
    ]
    return "\n".join(lines)

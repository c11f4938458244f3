"""The model card: a model version's meta.json written for people."""

from __future__ import annotations

from typing import Any

from triage.labels import CATEGORIES

__all__ = ["model_card"]

_SETS = {
    "heldout": "the written corpus's fixed held-out split",
    "real_heldout": "real citizen messages held out of training (labels in training/real/, whole groups of "
                    "near-duplicate and same-incident texts on one side)",
    "dev": "real citizen text (shared/eval/dev.jsonl), never trained on",
}


def model_card(meta: dict[str, Any]) -> str:
    t = meta["training"]
    lines = [
        f"# triage model {meta['version']}",
        "",
        f"Trained {meta['created']} on {t['texts']} labeled complaints ({t.get('corpus_texts', 0)} in the written "
        f"corpus, of which its train split; {t.get('real_texts', 0)} real messages; {t.get('extra_texts', 0)} from "
        f"corrections) in {t['seconds']} s.",
        "",
        "Predicts the category (water, gas, drainage, parking, lighting, other), every category a text raises, "
        "the urgency (emergency, high, normal; safety rules can only raise it) and the responsible party "
        "(routing policy, learned tie-breaks), following shared/LABELS.md.",
        "",
        "## Figures",
        "",
        "| set | texts | macro-F1 | urgency acc. | emergency recall | emergency precision | route acc. | all three |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, s in meta["metrics"].items():
        lines.append(f"| {name} | {s['n']} | {s['category_macro_f1']:.3f} | {s['urgency_accuracy']:.3f} | "
                     f"{s['emergency_recall']:.3f} | {s['emergency_precision']:.3f} | {s['route_accuracy']:.3f} | "
                     f"{s.get('all_three_correct', float('nan')):.3f} |")
    lines += ["", *[f"- `{name}`: {_SETS[name]}" for name in meta["metrics"] if name in _SETS]]
    real = meta["metrics"].get("real_heldout")
    if real:
        lines += ["", "### Real held-out messages, per category", "",
                  "| category | precision | recall | F1 | texts |", "|---|---|---|---|---|"]
        for c, m in real["category_per_class"].items():
            lines.append(f"| {c} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} |")
        lines += ["", "Category confusion (rows: label, columns: answer):", "",
                  "| | " + " | ".join(CATEGORIES) + " |", "|---" * (len(CATEGORIES) + 1) + "|"]
        lines += [f"| {c} | " + " | ".join(str(v) for v in row) + " |"
                  for c, row in zip(CATEGORIES, real["category_confusion"], strict=True)]
    safety = meta.get("emergency_out_of_fold") or {}
    if safety:
        lines += ["", "## Emergencies", "",
                  f"Safety rules (`triage/data/urgency_rules.yaml`) and the emergency detector answer together. "
                  f"The detector's threshold, {safety['threshold']:.3f}, was chosen on out-of-fold answers for the "
                  f"{safety['rows']} training rows ({safety['emergencies']} emergencies) as the best F2 of the two "
                  f"together: recall {safety['recall']:.3f}, precision {safety['precision']:.3f}; the rules alone "
                  f"find {safety['rules_recall']:.3f}. `python -m training.safety_report` measures both on "
                  "`tests/data/emergencies.jsonl`."]
    lines += ["", "## Review flag", "", *_review(meta)]
    evidence = meta.get("evidence", {}).get("handled_by", {})
    for name, e in evidence.items():
        if e.get("n"):
            lines += ["", "## Where real letters were handled", "",
                      f"Of {e['n']} Dalian letters in set `{name}` (not trained on) whose handling unit maps to a "
                      "route "
                      f"(training/real/handled_by.json), the answer names the same party for {e['agreement']:.1%}; "
                      f"it answers `manual` for {e['answered_manual']:.1%} of them, and agrees on "
                      f"{e['agreement_when_routed']:.1%} of the rest. A unit also answers letters outside its remit, "
                      "so this is evidence, not gold."]
    lines += [
        "",
        "## Provenance",
        "",
        *[f"- label set `{s['name']}`: {s['rows']} labels ({s['train']} train, {s['heldout']} held out) in "
          f"`{s['labels']}` (sha256 `{s['labels_sha256']}`), texts `{s['texts']}` (sha256 `{s['texts_sha256']}`), "
          f"weight {s['weight']} ({s['low_confidence_weight']} of it for low-confidence labels)"
          for s in t.get("label_sets", [])],
        *[f"- {name}: `{value}`" for name, value in meta["libraries"].items()],
        *[f"- sha256 of {name}: `{value}`" for name, value in meta["hashes"].items()],
        f"- sha256 of model.joblib: `{meta['sha256']}`",
        "",
        "## Limits",
        "",
        "The real labels come from two message boards (one province's and Dalian's); letters from other cities "
        "and boards may differ again, and gas and lighting are scarce among them. Place cues in the routing "
        "policy are Chinese word lists and miss addresses they do not contain.",
        "",
    ]
    return "\n".join(lines)


def _review(meta: dict[str, Any]) -> list[str]:
    thresholds = meta["thresholds"]["review"]
    oof = meta["review_out_of_fold"]
    if not isinstance(thresholds, dict):  # a model from before per-field thresholds
        return [f"A text is flagged `needs_review` when the category confidence is below {thresholds:.3f}."]
    lines = [
        "A text is flagged `needs_review` when any confidence is below its threshold: "
        + ", ".join(f"{k} {v:.3f}" for k, v in thresholds.items()) + ". "
        f"They were chosen on out-of-fold answers for the {oof['n']} {oof.get('rows', 'real')} training rows, as the "
        f"fewest flags that leave the unflagged answers at least {oof['target']:.0%} right on category and route "
        f"(and {oof['urgency_target']:.0%} on urgency)" + ("" if oof["targets_met"] else "; the targets were not met")
        + ".",
        "",
        "| measured on | flagged | unflagged: category | route | urgency |", "|---|---|---|---|---|",
        f"| out of fold (training rows) | {oof['flagged_share']:.1%} | {oof['unflagged_category_accuracy']:.3f} | "
        f"{oof['unflagged_route_accuracy']:.3f} | {oof['unflagged_urgency_accuracy']:.3f} |",
    ]
    for name, s in meta["metrics"].items():
        r = s.get("review")
        if r:
            lines.append(f"| {name} | {r['flagged_share']:.1%} | {r['unflagged_category_accuracy']:.3f} | "
                         f"{r['unflagged_route_accuracy']:.3f} | {r['unflagged_urgency_accuracy']:.3f} |")
    return lines

"""Store rows as the plain dicts the store returns, and the rules that fold corrections into labels.

A ticket's labels in force are its latest prediction with every correction applied in order
(each correction sets only the fields it names), so the latest correction of a field wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .tables import Correction, Prediction, utc_text

__all__ = ["LABEL_FIELDS", "apply_correction", "as_sent", "clean_text", "correction_row", "labels_in_force",
           "new_prediction", "prediction_row", "version_of", "weakest_confidence"]

LABEL_FIELDS = ("category", "urgency", "route")


def new_prediction(ticket_id: str, r: dict[str, Any]) -> Prediction:
    top = r["explanation"]["category"]["top"]
    margin = top[0][1] - top[1][1] if len(top) > 1 else top[0][1]
    return Prediction(ticket_id=ticket_id, model_version=r["model_version"], category=r["category"],
                      categories=r["categories"], urgency=r["urgency"], route=r["route"],
                      confidence=r["confidence"], margin=round(margin, 4), needs_review=r["needs_review"],
                      review_confidence=weakest_confidence(r["explanation"], r["confidence"]),
                      explanation=r["explanation"], place=r.get("place"), unit=r.get("unit"),
                      unit_reason=r.get("unit_reason") or None)


def weakest_confidence(explanation: dict[str, Any], category_confidence: float) -> float:
    """The lowest of an answer's field confidences (``explanation.review``), which its flag is made of."""
    found = (explanation.get("review") or {}).get("confidence") or {}
    return min([category_confidence, *(float(v) for v in found.values())])


def clean_text(value: str | None) -> str | None:
    """Text any database accepts: NUL and unpaired surrogates become U+FFFD, nothing else changes."""
    if value is None:
        return None
    return value.replace("\x00", "\ufffd").encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def prediction_row(p: Prediction) -> dict[str, Any]:
    return {"model_version": p.model_version, "category": p.category, "categories": p.categories,
            "urgency": p.urgency, "route": p.route, "confidence": p.confidence, "margin": p.margin,
            "needs_review": p.needs_review, "explanation": p.explanation, "place": p.place, "unit": p.unit,
            "unit_reason": p.unit_reason or "", "created_at": utc_text(p.created_at)}


def as_sent(p: Prediction | None) -> dict[str, Any] | None:
    """The answer the caller was sent, as the export shows it beside the labels in force."""
    if p is None:
        return None
    return {"category": p.category, "urgency": p.urgency, "route": p.route, "confidence": p.confidence,
            "needs_review": p.needs_review, "flagged": (p.explanation.get("review") or {}).get("flagged", []),
            "model_version": p.model_version}


def correction_row(c: Correction) -> dict[str, Any]:
    changed = {f: getattr(c, f) for f in LABEL_FIELDS if getattr(c, f) is not None}
    return {"id": c.id, "changes": {f: {"from": c.previous.get(f), "to": v} for f, v in changed.items()},
            "annotator": c.annotator, "note": c.note, "created_at": utc_text(c.created_at)}


def version_of(corrections: Sequence[Correction]) -> str:
    """A ticket's version: the id of its latest correction ("0" before any). Each correction makes a new one."""
    return str(corrections[-1].id) if corrections else "0"


def apply_correction(labels: dict[str, Any], correction: Correction) -> dict[str, Any]:
    return {**labels, **{f: getattr(correction, f) for f in LABEL_FIELDS if getattr(correction, f) is not None}}


def labels_in_force(prediction: Prediction | None, corrections: Sequence[Correction]) -> dict[str, Any]:
    """The prediction's labels with every correction applied in order."""
    labels: dict[str, Any] = {f: getattr(prediction, f) if prediction else None for f in LABEL_FIELDS}
    for correction in corrections:
        labels = apply_correction(labels, correction)
    return labels

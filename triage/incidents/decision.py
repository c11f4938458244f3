"""Whether two reports are one incident (并单): place, category, text similarity and time.

The rule, in order (the first that applies decides):

1. different primary categories: not one incident;
2. further apart than the category's window (``data/incidents.yaml``): not one incident;
3. both name a place and the places differ: not one incident;
4. both name the same place: one incident when the texts' similarity reaches ``same_place``;
5. either names no place: one incident only when the similarity reaches ``no_place``, the
   stricter threshold, since nothing but the words ties the two together.

A place is the key :func:`place_key` reads from a triage answer: the directory's compound code
when the answer matched one, else the place span as written (normalised), else none.

>>> from datetime import datetime, timedelta
>>> p = IncidentPolicy.load()
>>> h = p.hasher()
>>> t = datetime(2026, 12, 7, 8, 0)
>>> a = Report(h.signature("幸福小区3号楼水管爆了，水流了一地"), "water", "幸福小区", t)
>>> b = Report(h.signature("幸福小区3号楼的水管爆了，楼道里全是水"), "water", "幸福小区", t + timedelta(hours=1))
>>> same_incident(a, b, p).same
True
>>> same_incident(a, Report(b.signature, "water", "阳光花园", b.at), p).reason
'place'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from ..text.normalize import normalize
from .policy import IncidentPolicy
from .signatures import similarity

__all__ = ["Decision", "Report", "place_key", "same_incident"]

_NOT_PLACE = re.compile(r"[\s\W_]+")


@dataclass(frozen=True)
class Report:
    """What merging knows of one report: its text's signature, primary category, place key and time."""

    signature: np.ndarray
    category: str
    place: str | None
    at: datetime


@dataclass(frozen=True)
class Decision:
    """``same``, the similarity measured (None when the rule stopped before it), and ``reason``: the step
    that decided (``category``, ``time``, ``place``, ``same_place`` or ``no_place``)."""

    same: bool
    reason: str
    similarity: float | None = None


def place_key(result: Any) -> str | None:
    """The place key of a triage answer (a result or its dict): its ``place``'s ``compound`` code when
    the directory matched one, else its ``span`` normalised (spaces and punctuation dropped), else None."""
    place = result.get("place") if isinstance(result, Mapping) else getattr(result, "place", None)
    if not isinstance(place, Mapping):
        return None
    compound = place.get("compound")
    if isinstance(compound, Mapping):
        compound = compound.get("code")
    if isinstance(compound, str) and compound.strip():
        return "compound:" + compound.strip()
    span = place.get("span")
    if isinstance(span, str):
        key = _NOT_PLACE.sub("", normalize(span))
        if key:
            return "span:" + key
    return None


def same_incident(a: Report, b: Report, policy: IncidentPolicy, *, score: float | None = None) -> Decision:
    """Decide whether ``a`` and ``b`` are one incident under ``policy`` (see the module's rule).

    ``score`` is their similarity when it was already measured (a store measures a new ticket
    against all its candidates in one pass); by default it is measured here, when the rule gets
    that far."""
    if a.category != b.category:
        return Decision(False, "category")
    if abs(a.at - b.at) > policy.window(a.category):
        return Decision(False, "time")
    if a.place is not None and b.place is not None and a.place != b.place:
        return Decision(False, "place")
    if score is None:
        score = similarity(a.signature, b.signature)
    if a.place is not None and a.place == b.place:
        return Decision(score >= policy.same_place, "same_place", score)
    return Decision(score >= policy.no_place, "no_place", score)

"""Urgency safety rules: data-file rules that can only raise the learned urgency.

A gas smell is never below ``emergency``, whatever the model thinks. Each rule
lives in ``data/urgency_rules.yaml``; the rule that fired, and the words it
matched, are reported with the answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .cues import CueLexicon, compile_words, default_data_path, read_yaml
from .errors import LexiconError
from .labels import CATEGORIES, URGENCY_RANK

__all__ = ["SafetyRule", "SafetyRules", "UrgencyDecision"]

_KEYS = {"id", "description", "categories", "all", "unless", "raise_to"}


@dataclass(frozen=True)
class SafetyRule:
    id: str
    description: str
    groups: tuple[re.Pattern[str], ...]
    raise_to: str
    categories: frozenset[str] = frozenset()
    unless: re.Pattern[str] | None = None

    def match(self, text: str, categories: Iterable[str]) -> list[str] | None:
        """The words that made the rule fire, or None."""
        if self.categories and not self.categories.intersection(categories):
            return None
        words = []
        for group in self.groups:  # before `unless`: most texts miss the first group, one scan
            m = group.search(text)
            if m is None:
                return None
            words.append(m.group(0))
        if self.unless is not None and self.unless.search(text):
            return None
        return words


@dataclass(frozen=True)
class UrgencyDecision:
    """The final urgency, the learned one it started from, and the rule that raised it."""

    urgency: str
    learned: str
    rule: str | None = None
    reason: str | None = None
    matched: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"learned": self.learned}
        if self.rule:
            out.update(rule=self.rule, reason=self.reason, matched=list(self.matched))
        return out


@dataclass(frozen=True)
class SafetyRules:
    rules: tuple[SafetyRule, ...]
    source: str

    @classmethod
    def load(cls, path: str | Path | None = None, cues: CueLexicon | None = None) -> SafetyRules:
        path = Path(path) if path else default_data_path("urgency_rules.yaml")
        cues = cues or CueLexicon.load()
        raw = read_yaml(path).get("rules")
        if not isinstance(raw, list) or not raw:
            raise LexiconError(f"{path}: needs a non-empty 'rules' list")
        rules, seen = [], set()
        for n, entry in enumerate(raw, 1):
            rules.append(_parse(path, n, entry, cues, seen))
        return cls(rules=tuple(rules), source=str(path))

    def apply(self, text: str, learned: str, categories: Iterable[str]) -> UrgencyDecision:
        """Raise ``learned`` to the highest level any matching rule demands.

        A rule that demands the learned level itself is reported too, so that an
        emergency the model already saw still names the rule that guarantees it.
        """
        categories = tuple(categories)
        best: UrgencyDecision = UrgencyDecision(urgency=learned, learned=learned)
        for rule in self.rules:
            rank, current = URGENCY_RANK[rule.raise_to], URGENCY_RANK[best.urgency]
            if rank < current or (rank == current and best.rule is not None):
                continue
            words = rule.match(text, categories)
            if words is not None:
                best = UrgencyDecision(urgency=rule.raise_to, learned=learned, rule=rule.id,
                                       reason=rule.description, matched=tuple(words))
        return best


def _parse(path: Path, n: int, entry: object, cues: CueLexicon, seen: set[str]) -> SafetyRule:
    where = f"{path}: rule {n}"
    if not isinstance(entry, dict):
        raise LexiconError(f"{where}: must be a mapping")
    rule_id = entry.get("id")
    if not isinstance(rule_id, str) or not rule_id:
        raise LexiconError(f"{where}: needs an 'id'")
    where = f"{path}: rule {rule_id}"
    if rule_id in seen:
        raise LexiconError(f"{where}: duplicate id")
    seen.add(rule_id)
    extra = set(entry) - _KEYS
    if extra:
        raise LexiconError(f"{where}: unknown keys {sorted(extra)}; allowed: {sorted(_KEYS)}")
    if entry.get("raise_to") not in ("high", "emergency"):
        raise LexiconError(f"{where}: raise_to must be 'high' or 'emergency', got {entry.get('raise_to')!r}")
    groups = entry.get("all")
    if not isinstance(groups, list) or not groups or not all(isinstance(g, list) and g for g in groups):
        raise LexiconError(f"{where}: 'all' must be a non-empty list of non-empty word lists")
    cats = entry.get("categories", [])
    if not isinstance(cats, list) or set(cats) - set(CATEGORIES):
        raise LexiconError(f"{where}: categories must be a list drawn from {list(CATEGORIES)}")
    compiled = tuple(compile_words(_expand(g, cues, where), f"{where}: group {i}") for i, g in enumerate(groups, 1))
    unless = entry.get("unless")
    if unless is not None and not isinstance(unless, list):
        raise LexiconError(f"{where}: unless must be a list of words")
    return SafetyRule(
        id=rule_id, description=str(entry.get("description", "")), groups=compiled,
        raise_to=entry["raise_to"], categories=frozenset(cats),
        unless=compile_words(_expand(unless, cues, where), f"{where}: unless") if unless else None,
    )


def _expand(words: list[object], cues: CueLexicon, where: str) -> list[str]:
    out: list[str] = []
    for w in words:
        if isinstance(w, str) and w.startswith("@"):
            if w[1:] not in cues:
                raise LexiconError(f"{where}: unknown cue {w!r}")
            out.append("re:" + cues.patterns[w[1:]].pattern)
        else:
            out.append(w)  # type: ignore[arg-type]  # compile_words rejects non-strings
    return out

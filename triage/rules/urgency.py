"""Urgency safety rules: data-file rules that can only raise the learned urgency.

A gas smell is never below ``emergency``, whatever the model thinks. Each rule lives in
``data/urgency_rules.yaml``. A rule fires on what the text says, read in scope
(:mod:`triage.rules.scope`): its danger words must be said to happen now, not negated, resolved,
feared, habitual or past; its other word groups must be in the same sentence. An emergency
rule that names a ``category`` makes that category the text's primary one, so that the route
follows the danger (a gas smell inside a letter about 物业费 still reaches the gas company).

Beside the rules, a learned emergency detector (a calibrated head of the model) catches
wording no rule foresaw; a danger the rules read as negated, resolved, feared or past vetoes
it. The rule or the detector that decided is reported with the answer, with the words matched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..datafiles import compile_words, default_data_path, read_yaml
from ..errors import LexiconError
from ..explanation import UrgencyWhy
from ..labels import CATEGORIES, URGENCY_RANK
from ..text.scanner import Places, Scanner
from .cues import CueLexicon
from .scope import NOW, Scope, sentence_bounds

__all__ = ["RuleHit", "SafetyRule", "SafetyRules", "UrgencyDecision"]

_KEYS = {"id", "description", "category", "categories", "all", "anywhere", "unless", "raise_to"}
Quote = Callable[[int, int], str]
#: A detector this sure is not vetoed by a danger the rules read as past or habitual.
SURE_DETECTOR = 0.95


@dataclass(frozen=True)
class RuleHit:
    """A rule's words found in a text, and the scope its danger words were read in."""

    rule: SafetyRule
    spans: tuple[tuple[int, int], ...]
    scope: str

    @property
    def fired(self) -> bool:
        return self.scope == NOW


@dataclass(frozen=True)
class SafetyRule:
    id: str
    description: str
    groups: tuple[re.Pattern[str], ...]
    raise_to: str
    category: str | None = None
    categories: frozenset[str] = frozenset()
    anywhere: tuple[re.Pattern[str], ...] = ()
    unless: re.Pattern[str] | None = None

    def patterns(self) -> tuple[re.Pattern[str], ...]:
        """Every pattern the rule searches a text for."""
        return (*self.groups, *self.anywhere, *((self.unless,) if self.unless is not None else ()))

    def find(self, text: str, categories: Iterable[str], scope: Scope,
             places: Places | None = None) -> RuleHit | None:
        """The first place where the rule fires, else the first where its words are out of scope.

        Out of scope counts the danger words with the rule's other words anywhere in the text too
        (上周水管爆了…已经修好了): evidence enough to veto a learned emergency, never to fire.
        ``places`` are where the rule's patterns can start in ``text`` (:meth:`SafetyRules.scan`).
        """
        if self.categories and not self.categories.intersection(categories):
            return None
        places = places or _UNSCANNED.scan(text)
        if not places.may_all(self.groups):
            return None  # a group missing from the whole text: the rule can neither fire nor veto
        muted = None
        # what a sentence holds, found once per sentence: a long text repeating a danger word
        # would otherwise search its whole sentence again for every repeat
        in_sentence: dict[tuple[int, int], list[re.Match[str] | None] | None] = {}
        elsewhere: list[bool] = []
        for danger in places.finditer(self.groups[0]):  # most texts miss the first group
            bounds = sentence_bounds(text, danger.start(), danger.end())
            if bounds not in in_sentence:
                start, end = bounds
                blocked = self.unless is not None and places.search(self.unless, start, end)
                in_sentence[bounds] = None if blocked else [places.search(g, start, end) for g in self.groups[1:]]
            others = in_sentence[bounds]
            if others is None:
                continue
            if not all(others):
                if not elsewhere:
                    elsewhere.append(all(places.search(g) for g in self.groups[1:]))
                # the danger out of scope, the rule's other words elsewhere: enough to veto, not to fire
                if muted is None and elsewhere[0]:
                    judged = scope.judge(text, danger.start(), danger.end())
                    if judged != NOW:
                        muted = RuleHit(self, ((danger.start(), danger.end()),), judged)
                continue
            where = [places.search(g) for g in self.anywhere]
            if not all(where):
                return None
            spans = tuple((m.start(), m.end()) for m in (danger, *others, *where))  # type: ignore[union-attr]
            judged = scope.judge(text, danger.start(), danger.end())
            if judged == "habitual" and self.raise_to == "high":
                judged = NOW  # the guide: a problem that keeps coming back is high while it goes on
            if judged == NOW:
                return RuleHit(self, spans, judged)
            muted = muted or RuleHit(self, spans, judged)
        return muted


@dataclass(frozen=True)
class UrgencyDecision:
    """The final urgency, what the model said, and the rule or detector that decided."""

    urgency: str
    learned: str
    rule: str | None = None
    reason: str | None = None
    matched: tuple[str, ...] = ()
    category: str | None = None
    detector: float | None = None
    decided_by: str = "model"
    muted: tuple[dict[str, object], ...] = ()

    def as_dict(self) -> UrgencyWhy:
        out: UrgencyWhy = {"learned": self.learned, "decided_by": self.decided_by}  # type: ignore[typeddict-item]
        if self.detector is not None:
            out["detector"] = round(self.detector, 4)
        if self.rule:
            out.update(rule=self.rule, reason=self.reason, matched=list(self.matched))  # type: ignore[typeddict-item]
            if self.category:
                out["category"] = self.category
        if self.muted:
            out["muted"] = list(self.muted)
        return out


#: Searches every pattern as before: for a rule asked about a text no scanner has read.
_UNSCANNED = Scanner(())


@dataclass(frozen=True)
class SafetyRules:
    """The rules of one file; one pass over a text finds where any of their patterns can match."""

    rules: tuple[SafetyRule, ...]
    source: str
    scope: Scope
    scanner: Scanner = field(init=False, repr=False, compare=False)

    dangers: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "scanner", Scanner(p for rule in self.rules for p in rule.patterns()))
        object.__setattr__(self, "dangers", tuple(rule.groups[0] for rule in self.rules))

    def scan(self, text: str) -> Places:
        """Where each rule's patterns can start in ``text``."""
        return self.scanner.scan(text)

    @classmethod
    def load(cls, path: str | Path | None = None, cues: CueLexicon | None = None,
             scope: Scope | None = None) -> SafetyRules:
        path = Path(path) if path else default_data_path("urgency_rules.yaml")
        cues = cues or CueLexicon.load()
        raw = read_yaml(path).get("rules")
        if not isinstance(raw, list) or not raw:
            raise LexiconError(f"{path}: needs a non-empty 'rules' list")
        rules, seen = [], set()
        for n, entry in enumerate(raw, 1):
            rules.append(_parse(path, n, entry, cues, seen))
        return cls(rules=tuple(rules), source=str(path), scope=scope or cues.scope or Scope.load())

    def apply(self, text: str, learned: str, categories: Iterable[str], *,
              detector: float | None = None, detector_threshold: float = 0.5,
              calm: str | None = None, quote: Quote | None = None,
              places: Places | None = None) -> UrgencyDecision:
        """Decide the urgency of a normalised text from the model's answer and the rules.

        ``learned`` is the urgency head's answer. With a ``detector`` probability, the
        detector decides whether the model calls it an emergency (at ``detector_threshold``);
        otherwise the answer is ``calm``, the urgency head's best non-emergency level. A danger
        the rules read out of scope (negated, resolved …) vetoes a learned emergency; a past or
        habitual one does not when the detector is at least :data:`SURE_DETECTOR` sure. Then
        every rule that fires can raise the answer; the highest wins, the first listed on a
        tie. ``quote`` turns a span of ``text`` into the caller's own words. ``places`` are where
        the rules' patterns can start in ``text`` (read with other patterns); by default the rules
        read the text themselves (:meth:`scan`).
        """
        categories = tuple(categories)
        quote = quote or (lambda s, e: text[s:e])
        calm = calm or ("high" if learned == "emergency" else learned)
        model, decided_by = learned, "model"
        if detector is not None:
            model, decided_by = ("emergency", "detector") if detector >= detector_threshold else (calm, "model")
        places = places or self.scanner.scan(text)
        rules = self.rules  # a rule whose danger words are not in the text finds nothing: not asked
        hits = [hit for i in places.which(self.dangers) if (hit := rules[i].find(text, categories, self.scope, places))]
        fired = [h for h in hits if h.fired]
        muted = tuple({"rule": h.rule.id, "scope": h.scope, "matched": [quote(s, e) for s, e in h.spans]}
                      for h in hits if not h.fired)
        out_of_scope = [h for h in hits if not h.fired and h.rule.raise_to == "emergency"]
        # a past or habitual mention does not contradict a present danger the detector is sure of;
        # "no longer", "repaired" and "I fear" speak of now, and always veto
        sure = (detector is not None and detector >= SURE_DETECTOR
                and all(h.scope in ("past", "habitual") for h in out_of_scope))
        if model == "emergency" and out_of_scope and not sure:
            model, decided_by = calm, "muted"  # a firing emergency rule raises it back below
        best = UrgencyDecision(urgency=model, learned=learned, detector=detector, decided_by=decided_by,
                               muted=muted)
        for hit in fired:
            rank, current = URGENCY_RANK[hit.rule.raise_to], URGENCY_RANK[best.urgency]
            if rank > current or (rank == current and best.rule is None):
                best = UrgencyDecision(
                    urgency=hit.rule.raise_to, learned=learned, rule=hit.rule.id, reason=hit.rule.description,
                    matched=tuple(quote(s, e) for s, e in hit.spans), category=hit.rule.category,
                    detector=detector, decided_by="rule", muted=muted)
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
    groups, anywhere = entry.get("all"), entry.get("anywhere", [])
    if not isinstance(groups, list) or not groups or not all(isinstance(g, list) and g for g in groups):
        raise LexiconError(f"{where}: 'all' must be a non-empty list of non-empty word lists")
    if not isinstance(anywhere, list) or not all(isinstance(g, list) and g for g in anywhere):
        raise LexiconError(f"{where}: 'anywhere' must be a list of non-empty word lists")
    cats = entry.get("categories", [])
    if not isinstance(cats, list) or set(cats) - set(CATEGORIES):
        raise LexiconError(f"{where}: categories must be a list drawn from {list(CATEGORIES)}")
    if cats and entry["raise_to"] == "emergency":
        raise LexiconError(f"{where}: an emergency rule reads the text, not the predicted categories: "
                           "drop 'categories' and give its danger words instead")
    category = entry.get("category")
    if category is not None and category not in CATEGORIES:
        raise LexiconError(f"{where}: category must be one of {list(CATEGORIES)}, got {category!r}")
    unless = entry.get("unless")
    if unless is not None and not isinstance(unless, list):
        raise LexiconError(f"{where}: unless must be a list of words")

    def compiled(group: list[object], label: str) -> re.Pattern[str]:
        return compile_words(_expand(group, cues, where), f"{where}: {label}")

    return SafetyRule(
        id=rule_id, description=str(entry.get("description", "")), raise_to=entry["raise_to"],
        groups=tuple(compiled(g, f"group {i}") for i, g in enumerate(groups, 1)),
        anywhere=tuple(compiled(g, f"anywhere group {i}") for i, g in enumerate(anywhere, 1)),
        category=category, categories=frozenset(cats),
        unless=compiled(unless, "unless") if unless else None,
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

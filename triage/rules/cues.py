"""Cue words: named word lists, matched against normalised text.

The routing policy and the urgency rules name cues (``public_road``,
``no_manager`` …) instead of listing words, so a city edits the words in one
data file. A match reports the words that matched, which every explanation
quotes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..datafiles import compile_words, default_data_path, read_yaml
from ..errors import LexiconError
from ..text.scanner import Places, Scanner
from .scope import Scope

__all__ = ["CueHits", "CueLexicon"]


@dataclass(frozen=True)
class CueLexicon:
    """Named cue patterns, loaded and validated from a YAML file.

    Cues listed under ``scoped`` in the file count only where their words are not negated
    or supposed (:mod:`triage.rules.scope`): 不是没有物业 and 如果没有物业 do not say "no manager".
    One pass over a text finds where every cue can match (:mod:`triage.text.scanner`).
    """

    patterns: dict[str, re.Pattern[str]]
    source: str
    scope: Scope | None = None
    scoped: frozenset[str] = frozenset()
    scanner: Scanner = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "scanner", Scanner(self.patterns.values()))

    @classmethod
    def load(cls, path: str | Path | None = None, scope: Scope | None = None) -> CueLexicon:
        path = Path(path) if path else default_data_path("cues.yaml")
        data = read_yaml(path)
        cues = data.get("cues")
        if not isinstance(cues, dict) or not cues:
            raise LexiconError(f"{path}: needs a non-empty 'cues' mapping")
        patterns = {}
        for name, words in cues.items():
            if not isinstance(words, list) or not words:
                raise LexiconError(f"{path}: cue {name!r} must be a non-empty list of words")
            patterns[name] = compile_words(words, f"{path}: cue {name!r}")
        scoped = data.get("scoped", [])
        if not isinstance(scoped, list) or set(scoped) - set(patterns):
            raise LexiconError(f"{path}: 'scoped' must list cue names, unknown: {sorted(set(scoped) - set(patterns))}")
        return cls(patterns=patterns, source=str(path), scope=scope or Scope.load(), scoped=frozenset(scoped))

    def __contains__(self, name: object) -> bool:
        return name in self.patterns

    def match(self, text: str) -> dict[str, list[str]]:
        """Every cue found in ``text``, with the distinct words that matched, in order."""
        hits = CueHits(self, text)
        return {name: hits[name] for name in self.patterns if name in hits}

    def lazy(self, text: str, places: Places | None = None) -> CueHits:
        """Cue hits computed only for the cues that are asked about.

        ``places`` are where the cues can start in ``text``, from a scanner that read the cues'
        patterns with others (:class:`triage.triager.Triager` reads a text once for cues and rules).
        """
        return CueHits(self, text, places)


#: What can take a route cue out of play: 不是没有物业, 如果没有物业, 以前没有物业.
_CUE_SCOPES = frozenset({"negated", "hypothetical", "past"})


class CueHits(Mapping[str, list[str]]):
    """Read-only mapping cue -> matched words, matching each cue on first use.

    Routing asks about a handful of cues per text (none for gas or other), so most
    cues are never matched at all.
    """

    def __init__(self, lexicon: CueLexicon, text: str, places: Places | None = None) -> None:
        self._lexicon, self._text = lexicon, text
        self._found: dict[str, list[str]] = {}
        self._places = places

    def _words(self, name: str) -> list[str]:
        found = self._found.get(name)
        if found is not None:
            return found
        pattern = self._lexicon.patterns.get(name)
        if pattern is not None and self._places is None:
            self._places = self._lexicon.scanner.scan(self._text)
        if pattern is None or not self._places.may_occur(pattern):  # type: ignore[union-attr]
            self._found[name] = []  # most cues: none of their words is in the text
        else:
            matches = self._places.finditer(pattern)
            if name in self._lexicon.scoped and self._lexicon.scope is not None:
                scope, text = self._lexicon.scope, self._text
                matches = (m for m in matches if scope.judge(text, m.start(), m.end(), only=_CUE_SCOPES) == "now")
            self._found[name] = list(dict.fromkeys(m.group(0) for m in matches))
        return self._found[name]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and bool(self._words(name))

    def __getitem__(self, name: str) -> list[str]:
        words = self._words(name)
        if not words:
            raise KeyError(name)
        return words

    def __iter__(self):
        return (name for name in self._lexicon.patterns if name in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)

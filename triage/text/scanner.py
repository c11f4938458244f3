"""One pass over a text for many lexicon patterns: where each of them can match, found at once.

A :class:`Scanner` is built once from patterns (cue words, danger words, spelling folds …).
It puts every pattern's anchors (:mod:`triage.text.anchors`) into one Aho-Corasick automaton;
:meth:`Scanner.scan` runs it once over a text, and the :class:`Places` it returns answer
``finditer`` and ``search`` for any of the patterns exactly as the pattern itself would, by
trying the pattern only where one of its anchors starts. A pattern without anchors is searched
as before. A pattern that does not occur in the text costs nothing more than the one pass.

>>> import re
>>> gas, road = re.compile("煤气味|燃气味"), re.compile("马路|路口")
>>> places = Scanner([gas, road]).scan("路口那家店门前一股煤气味")
>>> [m.group(0) for m in places.finditer(gas)], places.search(road, 1) is None
(['煤气味'], True)
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator

import ahocorasick

from .anchors import anchors

__all__ = ["Places", "Scanner"]


class Scanner:
    """An automaton over the anchors of ``patterns`` (the same pattern given twice is kept once)."""

    def __init__(self, patterns: Iterable[re.Pattern[str]]) -> None:
        self._index: dict[re.Pattern[str], int] = {}
        self._loose: set[int] = set()  # patterns without anchors: searched as before
        owners: dict[str, list[int]] = {}
        for pattern in patterns:
            if pattern in self._index:
                continue
            n = self._index[pattern] = len(self._index)
            found = anchors(pattern)
            if found is None:
                self._loose.add(n)
                continue
            for anchor in found:
                owners.setdefault(anchor, []).append(n)
        self._automaton = ahocorasick.Automaton()
        for anchor, ids in owners.items():
            self._automaton.add_word(anchor, (len(anchor) - 1, tuple(ids)))
        self._empty = not owners
        if not self._empty:
            self._automaton.make_automaton()

    def __contains__(self, pattern: object) -> bool:
        return pattern in self._index

    def scan(self, text: str) -> Places:
        """Where each pattern can start in ``text``, found in one pass."""
        starts: dict[int, list[int]] = {}
        if not self._empty:
            for end, (back, ids) in self._automaton.iter(text):
                for n in ids:
                    if n in starts:
                        starts[n].append(end - back)
                    else:
                        starts[n] = [end - back]
        for found in starts.values():
            if len(found) > 1:
                found.sort()
        return Places(self, text, starts)


class Places:
    """The places in one text where each pattern of a :class:`Scanner` can start."""

    __slots__ = ("_index", "_loose", "_starts", "text")

    def __init__(self, scanner: Scanner, text: str, starts: dict[int, list[int]]) -> None:
        self._index, self._loose, self._starts, self.text = scanner._index, scanner._loose, starts, text

    def _candidates(self, pattern: re.Pattern[str]) -> list[int] | None:
        """The pattern's possible starts, in order; ``None`` when it must be searched as before."""
        n = self._index.get(pattern)
        if n is None or n in self._loose:
            return None
        return self._starts.get(n, _NONE)

    def occurs(self, pattern: re.Pattern[str]) -> bool:
        """Whether ``pattern`` matches anywhere in the text."""
        return self.search(pattern) is not None

    def search(self, pattern: re.Pattern[str], start: int = 0, end: int | None = None) -> re.Match[str] | None:
        """``pattern.search(text, start, end)``."""
        text = self.text
        stop = len(text) if end is None else end
        places = self._candidates(pattern)
        if places is None:
            return pattern.search(text, start, stop)
        for at in places[bisect_left(places, start) if start else 0:]:
            if at >= stop:
                return None
            found = pattern.match(text, at, stop)
            if found is not None:
                return found
        return None

    def finditer(self, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        """``pattern.finditer(text)``, for a pattern that cannot match the empty string."""
        places = self._candidates(pattern)
        if places is None:
            yield from pattern.finditer(self.text)
            return
        text, after = self.text, 0
        for at in places:
            if at < after:
                continue  # inside the previous match
            found = pattern.match(text, at)
            if found is not None:
                after = found.end()
                yield found


_NONE: list[int] = []

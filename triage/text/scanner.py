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

import ahocorasick_rs

from .anchors import anchors

__all__ = ["Places", "Scanner"]


class Scanner:
    """An automaton over the anchors of ``patterns`` (the same pattern given twice is kept once).

    Each anchor carries a bit mask of the patterns it opens, so that one pass tells which
    patterns can occur at all; the places of one pattern are picked out of the pass's hits
    only when that pattern is asked about.
    """

    def __init__(self, patterns: Iterable[re.Pattern[str]]) -> None:
        self._index: dict[re.Pattern[str], int] = {}
        self._loose = 0  # bit mask of the patterns without anchors: searched as before
        owners: dict[str, int] = {}
        for pattern in patterns:
            if pattern in self._index:
                continue
            n = self._index[pattern] = len(self._index)
            found = anchors(pattern)
            if found is None:
                self._loose |= 1 << n
                continue
            for anchor in found:
                owners[anchor] = owners.get(anchor, 0) | 1 << n
        self._masks = tuple(owners.values())
        # per pattern, the numbers of its anchors: its places are where one of them was found
        self._anchors: dict[int, frozenset[int]] = {}
        for a, mask in enumerate(self._masks):
            for n in range(mask.bit_length()):
                if mask >> n & 1:
                    self._anchors[n] = self._anchors.get(n, frozenset()) | {a}
        self._groups: dict[int, _Group] = {}
        self._automaton = ahocorasick_rs.AhoCorasick(
            list(owners), implementation=ahocorasick_rs.Implementation.DFA) if owners else None

    def __contains__(self, pattern: object) -> bool:
        return pattern in self._index

    def __iter__(self) -> Iterator[re.Pattern[str]]:
        """The patterns, in the order given."""
        return iter(self._index)

    def __reduce__(self) -> tuple[type[Scanner], tuple[list[re.Pattern[str]]]]:
        return Scanner, (list(self._index),)  # the automaton itself does not pickle: it is rebuilt

    def bits(self, patterns: tuple[re.Pattern[str], ...]) -> tuple[int, ...]:
        """Per pattern, the bit of it in the pass's mask (all bits for one searched as before)."""
        return self._group(patterns)[1]

    def _group(self, patterns: tuple[re.Pattern[str], ...]) -> _Group:
        """What a pass asks about a tuple of patterns, worked out once per tuple."""
        known = self._groups.get(id(patterns))
        if known is None or known[0] is not patterns:
            # a pattern without anchors, or one this scanner does not know, may always occur
            bits = tuple(_ALWAYS if (n := self._index.get(p)) is None or self._loose >> n & 1 else 1 << n
                         for p in patterns)
            always = [i for i, bit in enumerate(bits) if bit == _ALWAYS]
            need, where = 0, {}
            for i, bit in enumerate(bits):
                if bit != _ALWAYS:
                    need |= bit
                    where.setdefault(bit, []).append(i)
            known = self._groups[id(patterns)] = (patterns, bits, need, always, where)
        return known

    def scan(self, text: str) -> Places:
        """Where the patterns can start in ``text``, found in one pass."""
        if self._automaton is None:
            return Places(self, text, [], 0)
        hits = self._automaton.find_matches_as_indexes(text, overlapping=True)
        masks, seen = self._masks, 0
        for anchor, _, _ in hits:
            seen |= masks[anchor]
        return Places(self, text, hits, seen)


class Places:
    """The places in one text where each pattern of a :class:`Scanner` can start."""

    __slots__ = ("_hits", "_index", "_loose", "_masks", "_scanner", "_seen", "_starts", "text")

    def __init__(self, scanner: Scanner, text: str, hits: list[tuple[int, int, int]], seen: int) -> None:
        self._scanner = scanner
        self._index, self._loose, self._masks = scanner._index, scanner._loose, scanner._masks
        self._hits, self._seen, self.text = hits, seen, text
        self._starts: dict[int, list[int]] = {}

    def _candidates(self, pattern: re.Pattern[str]) -> list[int] | None:
        """The pattern's possible starts, in order; ``None`` when it must be searched as before."""
        n = self._index.get(pattern)
        if n is None or self._loose >> n & 1:
            return None
        if not self._seen >> n & 1:
            return _NONE
        found = self._starts.get(n)
        if found is None:
            mine = self._scanner._anchors[n]
            found = self._starts[n] = [start for anchor, start, _ in self._hits if anchor in mine]
            found.sort()
        return found

    def which(self, patterns: tuple[re.Pattern[str], ...]) -> list[int]:
        """The indices of ``patterns`` that may occur in the text (the others do not), in order."""
        _, _, need, always, where = self._scanner._group(patterns)
        present = self._seen & need
        if not present:
            return list(always)
        found = list(always)
        while present:  # one step per pattern seen in the text, not per pattern asked about
            bit = present & -present
            found.extend(where[bit])
            present ^= bit
        found.sort()
        return found

    def may_all(self, patterns: tuple[re.Pattern[str], ...]) -> bool:
        """False when one of ``patterns`` surely does not occur in the text."""
        need = self._scanner._group(patterns)[2]
        return self._seen & need == need

    def may_occur(self, pattern: re.Pattern[str]) -> bool:
        """False when ``pattern`` surely does not occur in the text (none of its anchors does)."""
        n = self._index.get(pattern)
        return n is None or bool((self._loose | self._seen) >> n & 1)

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
_ALWAYS = -1
#: A tuple of patterns, each one's bit, the bits of those with anchors, the indices of those
#: without, and for each bit the indices of the patterns with that bit.
_Group = tuple[tuple[re.Pattern[str], ...], tuple[int, ...], int, list[int], dict[int, list[int]]]

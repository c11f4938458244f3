"""Place extraction: the compound, address, road, village or district a complaint names.

Three sources, most specific first:

1. the dispatch directory's names and aliases, in every form :func:`~.names.variants` gives
   (三号院 for 3号院, 家属楼 for 家属院, without the district), found in one pass by an
   Aho-Corasick automaton (ahocorasick-rs, as the rules' scanner); a street address (文昌路8号) inside a compound's
   address ranges names that compound too;
2. name patterns from ``data/places.yaml`` (a name, then a suffix such as 小区, 家属院, 号院, 路):
   compounds the directory does not list, roads, villages, districts. The hotline's exports mask
   cities and districts (A市, A3区); those forms are names like any other;
3. districts and roads written right before a name join its span (A市A3区枫林路奥园小区).

:meth:`PlaceFinder.best` gives the one place an answer carries; :meth:`PlaceFinder.find_all`
every candidate. :attr:`Place.key` is the same string for the same place however it was written.

>>> from triage.dispatch import PlaceFinder, load_directory
>>> finder = PlaceFinder(load_directory())
>>> p = finder.best("青禾区纺织厂家属楼的下水道又堵了")
>>> (p.span, p.kind, p.compound, p.key)
('青禾区纺织厂家属楼', 'compound', 'C05', 'compound:C05')
>>> finder.best("A市A3区枫林路奥园小区停水").span
'A市A3区枫林路奥园小区'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import ahocorasick_rs

from ..text.tokenize import JiebaTokenizer
from .directory import Directory
from .names import NUMERAL, chinese_number, variants
from .words import PlaceWords

__all__ = ["PLACE_KINDS", "Place", "PlaceFinder"]

#: What a place is, most specific first (the order :meth:`PlaceFinder.best` prefers).
PLACE_KINDS: tuple[str, ...] = ("compound", "address", "road", "village", "district")
_RANK = {kind: i for i, kind in enumerate(PLACE_KINDS)}
_PHASES = re.compile(rf"(?:{NUMERAL}期|[东西南北]区|小区|家属院|家属楼)+")
#: A masked city, district or county (A市, A3区): a name's span starts at the first one it holds.
_MASKED = re.compile(r"[A-Z]\d{0,2}[省市区县]")
#: The longest name before its suffix, past the districts and roads in front; a longer run is cut at a word.
LONGEST_STEM = 6
#: A date run into a name (2018年4月9日街): the name starts after it.
_DATE = re.compile(r"\d+[年月日]")


@dataclass(frozen=True, slots=True)
class Place:
    """A place named in a text: its words, where they are, what it is, the directory's compound, how sure."""

    span: str
    start: int
    end: int
    kind: str
    compound: str | None = None
    confidence: float = 0.5

    @property
    def key(self) -> str:
        """``compound:C05`` for a directory compound, else ``kind:name`` with the name as written."""
        return f"compound:{self.compound}" if self.compound else f"{self.kind}:{self.span}"

    def as_dict(self) -> dict[str, object]:
        return {"span": self.span, "start": self.start, "end": self.end, "kind": self.kind,
                "compound": self.compound, "confidence": self.confidence}

    def moved(self, start: int, end: int, span: str) -> Place:
        return Place(span=span, start=start, end=end, kind=self.kind, compound=self.compound,
                     confidence=self.confidence)


class PlaceFinder:
    """Finds places in normalised texts, with the directory's names when given one."""

    def __init__(self, directory: Directory | None = None, words: PlaceWords | None = None) -> None:
        self.directory = directory
        self.words = words or PlaceWords.load()
        self._patterns = {kind: self.words.reversed_pattern(kind) for kind in ("compound", "road", "village",
                                                                                   "district")}
        self._prefix = self.words.prefix_pattern()
        self._leading = self.words.prefix_pattern(at_start=True)
        self._lead = self.words.lead_pattern()
        # a name ending in one of these names nothing (for districts and villages, one-character words count)
        self._empty_words = tuple(w for w in self.words.not_names if len(w) > 1)
        self._empty_endings = tuple(self.words.not_names)
        n = self.words.name_character
        # a crossing (东三路与望仙路口) or a house number (文昌路8号) after a road's name
        self._road_tail = re.compile(rf"(?:[与和]{n}{{1,8}}?(?:路口|交叉口|大道|路|街)(?:口|交叉口|交汇处|相交处)?"
                                     rf"|(?:口|交叉口|交汇处))?(?P<number>{NUMERAL}号(?:院|楼)?)?")
        self._tokenizer = JiebaTokenizer()
        self._groups = re.compile(rf"(?:{NUMERAL}组|{n}{{1,4}}?组)+")
        self._automaton = _automaton(directory) if directory and directory.compounds else None
        roads = directory.roads if directory else ()
        self._address = re.compile(f"(?P<road>{'|'.join(map(re.escape, roads))})(?P<number>{NUMERAL})号") \
            if roads else None

    def best(self, text: str) -> Place | None:
        """The one most specific place: a directory compound first, then by kind, then the first written."""
        listed = self._from_directory(text)
        if listed:
            return min(listed, key=lambda p: p.start)
        backwards = text[::-1]
        for kind in self._patterns:  # most specific kind first; a kind is searched only if none before it named one
            for candidate in sorted(self._candidates(text, kind, backwards), key=lambda c: c[1]):
                place = self._named(text, *candidate)
                if place is not None:
                    return place  # the first written (a road with a house number is an address)
        return None

    def find_all(self, text: str) -> list[Place]:
        """Every place found, in no particular order (overlapping candidates included)."""
        out = self._from_directory(text)
        taken = [(p.start, p.end) for p in out]
        for candidate in self._candidates(text):
            place = self._named(text, *candidate)
            if place and not any(s <= place.start < e or place.start <= s < place.end for s, e in taken):
                out.append(place)
        return out

    def _candidates(self, text: str, only: str | None = None,
                    backwards: str | None = None) -> list[tuple[str, int, int, int]]:
        """(kind, start, where the suffix starts, end) of every name pattern's match (of kind ``only``), before
        any check; ``backwards`` is the text reversed, if the caller has it already."""
        backwards, n = backwards or text[::-1], len(text)
        return [(kind, n - m.end(), n - m.end("suffix"), n - m.start())
                for kind, pattern in self._patterns.items() if only is None or kind == only
                for m in pattern.finditer(backwards)]

    def _from_directory(self, text: str) -> list[Place]:
        out: list[Place] = []
        if self._automaton is not None:
            hits = sorted(self._automaton.hits(text), key=lambda h: (h[0], -(h[1] - h[0])))
            last_end = -1
            for start, end, code, score in hits:  # leftmost-longest, no overlaps
                if start >= last_end:
                    out.append(self._extended(text, Place(text[start:end], start, end, "compound", code, score)))
                    last_end = end
        if self._address is not None:
            for m in self._address.finditer(text):
                number = chinese_number(m["number"])
                compound = self.directory.at_address(m["road"], number) if number is not None else None
                if compound and not any(p.start <= m.start() < p.end for p in out):
                    out.append(self._extended(text, Place(m.group(0), m.start(), m.end(), "compound",
                                                          compound.code, 0.8)))
        return out

    def _named(self, text: str, kind: str, start: int, suffix: int, end: int) -> Place | None:
        """A checked place from a pattern's match: lead words, dates and over-long runs cut, names of nothing
        refused, crossings, house numbers, groups and phases joined."""
        start = self._lead.match(text, start, suffix).end()
        masked = _MASKED.search(text, start, suffix)
        start = masked.start() if masked else start
        for date in _DATE.finditer(text, start, suffix):
            start = date.end()
        name = text[start:suffix]
        if kind in ("compound", "road"):
            stem = name[len(self._leading_places(name)):]
            if len(stem) > LONGEST_STEM:
                stem = self._last_words(stem)
                start = suffix - len(stem)
            if not (len(stem) >= 2 or stem.isdigit() or chinese_number(stem) is not None) \
                    or stem in self.words.not_names or stem.endswith(self._empty_words):
                return None
        elif not name or name.endswith(self._empty_endings):
            return None
        if kind == "compound":
            phases = _PHASES.match(text, end)
            end = phases.end() if phases else end
        elif kind == "road":
            after = self._road_tail.match(text, end)
            if after:
                end, kind = after.end(), "address" if after["number"] else "road"
        elif kind == "village":
            groups = self._groups.match(text, end)
            end = groups.end() if groups else end
        confidence = {"compound": 0.6, "address": 0.55, "road": 0.5, "village": 0.45, "district": 0.3}[kind]
        return Place(text[start:end], start, end, kind, None, confidence)

    def _last_words(self, stem: str) -> str:
        """The last words of a long run that fit in LONGEST_STEM characters (需绕行九龙领仕汇 -> 九龙领仕汇)."""
        kept: list[str] = []
        for word in reversed(self._tokenizer.raw(stem)):
            if sum(map(len, kept)) + len(word) > LONGEST_STEM:
                break
            kept.insert(0, word)
        if len(kept) > 1 and len(kept[0]) == 1:  # a lone character left of the name is the end of another word
            kept.pop(0)
        return "".join(kept) or stem[-LONGEST_STEM:]

    def _leading_places(self, name: str) -> str:
        """The districts and roads at the start of ``name`` (A3区枫林路奥园 -> A3区枫林路)."""
        m = self._leading.match(name)
        return m.group(0) if m else ""

    def _extended(self, text: str, place: Place) -> Place:
        """The place with the districts and roads written right before it, lead words left out."""
        window = text[max(0, place.start - 24):place.start]
        m = self._prefix.search(window)
        if not m:
            return place
        start = self._lead.match(text, place.start - len(window) + m.start(), place.start).end()
        return place.moved(start, place.end, text[start:place.end]) if start < place.start else place


def _automaton(directory: Directory) -> _Names:
    """Every form of every compound name: the written names score 0.95, the forms made from them 0.85. A form
    two compounds share goes to the one that wrote it, and to neither when both only derived it."""
    prefixes = tuple(u.name.removesuffix("办事处") for u in directory.units.values() if u.kind == "subdistrict")
    claims: dict[str, dict[str, float]] = {}
    for compound in directory.compounds.values():
        for name in compound.names:
            for form in variants(name, prefixes):
                score = 0.95 if form == name else 0.85
                by = claims.setdefault(form, {})
                by[compound.code] = max(score, by.get(compound.code, 0.0))
    kept = []
    for form, by in claims.items():
        top = max(by.values())
        codes = [code for code, score in by.items() if score == top]
        if len(codes) == 1:
            kept.append((form, codes[0], top))
    return _Names(kept)


class _Names:
    """The compound forms in one automaton: ``hits(text)`` gives (start, end, code, score) of every one found,
    overlapping ones included."""

    def __init__(self, forms: list[tuple[str, str, float]]) -> None:
        self.forms = forms
        self._automaton = ahocorasick_rs.AhoCorasick([form for form, _, _ in forms])

    def hits(self, text: str) -> list[tuple[int, int, str, float]]:
        return [(start, end, self.forms[i][1], self.forms[i][2])
                for i, start, end in self._automaton.find_matches_as_indexes(text, overlapping=True)]

    def __reduce__(self) -> tuple[type[_Names], tuple[list[tuple[str, str, float]]]]:
        return _Names, (self.forms,)  # the automaton does not pickle: it is rebuilt

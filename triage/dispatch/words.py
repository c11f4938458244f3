"""The place words (``data/places.yaml``): the suffixes that end a compound, road, village or district name,
the words that name nothing, and the characters a name never holds; loaded and checked once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..datafiles import default_data_path, read_yaml
from ..errors import LexiconError

__all__ = ["PlaceWords"]

_LISTS = ("compound_suffixes", "road_suffixes", "village_suffixes", "district_suffixes", "not_names", "lead_words")


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class PlaceWords:
    """The lists of ``places.yaml`` and the patterns built from them."""

    compound_suffixes: tuple[str, ...]
    road_suffixes: tuple[str, ...]
    village_suffixes: tuple[str, ...]
    district_suffixes: tuple[str, ...]
    not_names: frozenset[str]
    lead_words: tuple[str, ...]
    stop_characters: str
    road_not_followed_by: str
    source: str = ""

    @classmethod
    def load(cls, path: str | Path | None = None) -> PlaceWords:
        path = Path(path) if path else default_data_path("places.yaml")
        data = read_yaml(path)
        lists = {}
        for name in _LISTS:
            words = data.get(name)
            if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
                raise LexiconError(f"{path}: {name!r} must be a non-empty list of words")
            lists[name] = tuple(w.strip() for w in words)
        stops = data.get("stop_characters")
        if not isinstance(stops, str) or not stops.strip():
            raise LexiconError(f"{path}: 'stop_characters' must be a string of characters")
        after = data.get("road_not_followed_by", [])
        if not isinstance(after, list) or not all(isinstance(c, str) and len(c) == 1 for c in after):
            raise LexiconError(f"{path}: 'road_not_followed_by' must be a list of single characters")
        return cls(compound_suffixes=lists["compound_suffixes"], road_suffixes=lists["road_suffixes"],
                   village_suffixes=lists["village_suffixes"], district_suffixes=lists["district_suffixes"],
                   not_names=frozenset(lists["not_names"]), lead_words=lists["lead_words"],
                   stop_characters=stops.strip(), road_not_followed_by="".join(after), source=str(path))

    @property
    def name_character(self) -> str:
        """A character a place name may hold: a letter, digit or Han character that is not a stop character."""
        return f"[^\\W_{re.escape(self.stop_characters)}]"

    def reversed_pattern(self, kind: str) -> re.Pattern[str]:
        """The pattern of a name of ``kind`` (compound, road, village, district) **in the reversed text**: a
        suffix, then the run of name characters before it (at most a few dozen). Matching the reversed
        text starts from the rare suffix, so the search stays one fast pass in C."""
        n = self.name_character
        suffixes = {"compound": self.compound_suffixes, "road": self.road_suffixes,
                    "village": self.village_suffixes, "district": self.district_suffixes}[kind]
        longest = {"compound": 26, "road": 14, "village": 14, "district": 10}[kind]
        # reversed, "not followed by" is "not preceded by": 路灯 and 路面 name no road
        guard = f"(?<![{re.escape(self.road_not_followed_by)}])" if kind == "road" and self.road_not_followed_by else ""
        return re.compile(f"{guard}(?P<suffix>{_alternation(tuple(w[::-1] for w in suffixes))})"
                          f"(?P<name>{n}{{1,{longest}}})")

    def prefix_pattern(self, *, at_start: bool = False) -> re.Pattern[str]:
        """Districts and roads written right before a name (A市A3区, 暮云街道, 枫林路): those that end where
        the searched text ends, or (``at_start``) those that begin it."""
        n = self.name_character
        unit = f"(?:[A-Z]\\d{{0,2}}|{n}{{1,6}}?)(?:{_alternation(self.district_suffixes + self.road_suffixes)})"
        run = f"(?:{unit}(?:\\d+号)?)+"
        return re.compile(f"^{run}" if at_start else f"{run}$")

    def lead_pattern(self) -> re.Pattern[str]:
        """Lead words (反映, 位于 …) at the start of a match, which are not part of a name."""
        return re.compile(f"(?:{_alternation(self.lead_words)})*")

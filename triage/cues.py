"""Cue words: named word lists, matched against normalised text.

The routing policy and the urgency rules name cues (``public_road``,
``no_manager`` …) instead of listing words, so a city edits the words in one
data file. A match reports the words that matched, which every explanation
quotes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .errors import LexiconError

__all__ = ["CueHits", "CueLexicon", "compile_words", "default_data_path", "read_yaml"]


def default_data_path(name: str) -> Path:
    """The path of a data file shipped inside the package."""
    return Path(str(resources.files("triage") / "data" / name))


def read_yaml(path: Path, error: type[Exception] = LexiconError) -> dict[str, Any]:
    """Read a YAML mapping, raising ``error`` with the file name on any problem."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise error(f"{path}: cannot read: {e.strerror}") from e
    except yaml.YAMLError as e:
        raise error(f"{path}: not valid YAML: {e}") from e
    if not isinstance(data, dict):
        raise error(f"{path}: expected a mapping at the top level")
    return data


def compile_words(words: list[str], where: str) -> re.Pattern[str]:
    """One alternation for a word list; entries starting with ``re:`` are regular expressions."""
    parts = []
    for w in words:
        if not isinstance(w, str) or not w.strip():
            raise LexiconError(f"{where}: every entry must be a non-empty string, got {w!r}")
        if w.startswith("re:"):
            try:
                re.compile(w[3:])
            except re.error as e:
                raise LexiconError(f"{where}: bad regular expression {w[3:]!r}: {e}") from e
            parts.append(f"(?:{w[3:]})")
        else:
            parts.append(re.escape(w))
    # Longer alternatives first, so the reported word is the longest that matched.
    parts.sort(key=len, reverse=True)
    return re.compile("|".join(parts))


@dataclass(frozen=True)
class CueLexicon:
    """Named cue patterns, loaded and validated from a YAML file."""

    patterns: dict[str, re.Pattern[str]]
    source: str

    @classmethod
    def load(cls, path: str | Path | None = None) -> CueLexicon:
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
        return cls(patterns=patterns, source=str(path))

    def __contains__(self, name: object) -> bool:
        return name in self.patterns

    def match(self, text: str) -> dict[str, list[str]]:
        """Every cue found in ``text``, with the distinct words that matched, in order."""
        hits = CueHits(self, text)
        return {name: hits[name] for name in self.patterns if name in hits}

    def lazy(self, text: str) -> CueHits:
        """Cue hits computed only for the cues that are asked about."""
        return CueHits(self, text)


class CueHits(Mapping[str, list[str]]):
    """Read-only mapping cue -> matched words, matching each cue on first use.

    Routing asks about a handful of cues per text (none for gas or other), so most
    cues are never matched at all.
    """

    def __init__(self, lexicon: CueLexicon, text: str) -> None:
        self._lexicon, self._text = lexicon, text
        self._found: dict[str, list[str]] = {}

    def _words(self, name: str) -> list[str]:
        if name not in self._found:
            pattern = self._lexicon.patterns.get(name)
            if pattern is None:
                self._found[name] = []
            elif pattern.groups:  # a "re:" entry with groups: findall would give the groups
                self._found[name] = list(dict.fromkeys(m.group(0) for m in pattern.finditer(self._text)))
            else:
                self._found[name] = list(dict.fromkeys(pattern.findall(self._text)))
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

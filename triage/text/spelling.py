"""Spelling folds: the typos and homophones of ``data/spelling.yaml``, replaced in one pass.

>>> Spelling.load().fold("楼道里有煤汽味，天然气公司电话打不通")
'楼道里有煤气味，天然气公司电话打不通'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..datafiles import default_data_path, read_yaml
from ..errors import LexiconError
from .scanner import Scanner

__all__ = ["Spelling", "default_spelling"]


@dataclass(frozen=True)
class Spelling:
    """One alternation over every wrong form; each named group knows its right form.

    The alternation is tried only where a wrong form can start (:mod:`triage.text.scanner`):
    most texts hold none, and are returned after one pass.
    """

    pattern: re.Pattern[str]
    right: tuple[str, ...]
    source: str

    @property
    def scanner(self) -> Scanner:
        """The automaton over the wrong forms' anchors, built on first use (a model's pickle holds none)."""
        found = self.__dict__.get("_scanner")
        if found is None:
            found = Scanner([self.pattern])
            object.__setattr__(self, "_scanner", found)
        return found

    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k != "_scanner"}

    @classmethod
    def load(cls, path: str | Path | None = None) -> Spelling:
        path = Path(path) if path else default_data_path("spelling.yaml")
        fixes = read_yaml(path).get("fixes")
        if not isinstance(fixes, dict) or not fixes:
            raise LexiconError(f"{path}: needs a non-empty 'fixes' mapping (wrong: right)")
        parts, right = [], []
        for n, (wrong, fixed) in enumerate(fixes.items()):
            if not isinstance(wrong, str) or not wrong or not isinstance(fixed, str) or not fixed:
                raise LexiconError(f"{path}: fix {wrong!r}: both forms must be non-empty strings")
            body = wrong[3:] if wrong.startswith("re:") else re.escape(wrong)
            try:
                compiled = re.compile(body)
            except re.error as e:
                raise LexiconError(f"{path}: fix {wrong!r}: bad regular expression: {e}") from e
            if compiled.groups:
                raise LexiconError(f"{path}: fix {wrong!r}: use (?:...) instead of capturing groups")
            if compiled.search(fixed):
                raise LexiconError(f"{path}: fix {wrong!r}: the right form {fixed!r} matches the wrong one")
            parts.append(f"(?P<f{n}>{body})")
            right.append(fixed)
        return cls(pattern=re.compile("|".join(parts)), right=tuple(right), source=str(path))

    def fold(self, text: str) -> str:
        """``text`` with every wrong form replaced by its right one."""
        pieces, last = [], 0
        for m in self.scanner.scan(text).finditer(self.pattern):
            pieces += (text[last:m.start()], self._right_form(m))
            last = m.end()
        if not pieces:
            return text
        pieces.append(text[last:])
        return "".join(pieces)

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """Each fold as (start, end, right form), in order."""
        return [(m.start(), m.end(), self._right_form(m)) for m in self.scanner.scan(text).finditer(self.pattern)]

    def _right_form(self, match: re.Match[str]) -> str:
        return self.right[int(match.lastgroup[1:])]  # type: ignore[index]  # every alternative is a named group


@lru_cache(maxsize=1)
def default_spelling() -> Spelling:
    """The shipped spelling table, loaded once per process."""
    return Spelling.load()

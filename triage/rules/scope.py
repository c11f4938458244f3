"""Scope: is a danger word said to be happening now, or negated, resolved, feared, habitual or past?

Every safety rule and every scoped route cue asks the same question of the words it
matched, and they ask it here. The marker words live in ``data/scope.yaml``:

- *negated*: a negation directly before the word (没有煤气味, 闻不到味) or directly after it
  (煤气味没有了);
- *hypothetical*: a fear or a supposition earlier in the word's clause (担心会漏气), a condition
  earlier in its sentence (若出现暴雨，……雨水倒灌至室内), or a risk or a report right after it
  (存在漏电风险, 消防车进不去的报道);
- *resolved*: a repair after the word in its sentence or the next one (上周漏气，已经修好了),
  unless the danger is said to be back (修好了，可是又漏了);
- *habitual* / *past*: 每次、经常 / 去年、上次 in the word's clause or the clause before it, unless
  the word's own clause says now (现在、正在、又、至今 …): 每次下雨都这样，现在污水已经漫进屋里了
  is happening now.

Anything else is ``now``. Clauses end at commas and sentence marks, sentences at 。！？；
and line breaks.

>>> scope = Scope.load()
>>> text = "没有煤气味了，燃气公司已经来修过"
>>> scope.judge(text, text.index("煤气味"), text.index("煤气味") + 3)
'negated'
>>> text = "每次下雨都这样，现在污水已经漫进屋里了"
>>> scope.judge(text, text.index("漫进"), text.index("漫进") + 2)
'now'
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..datafiles import compile_words, default_data_path, read_yaml
from ..errors import LexiconError

__all__ = ["NOW", "SCOPES", "Scope", "sentence_bounds"]

NOW = "now"
#: Every judgement, "now" first: only "now" lets a rule fire.
SCOPES = (NOW, "negated", "hypothetical", "resolved", "habitual", "past")

_CLAUSE_END = "，,。！？!?；;\n"
_SENTENCE_END = "。！？!?；;\n"
_LISTS = ("negated_before", "negated_after", "hypothetical_after", "supposed", "resolved", "unresolved_before",
          "renewed", "hypothetical", "habitual", "past", "now")
#: How far before / after the word a negation is looked for.
_NEAR = 8
#: How soon after a repair a renewal (又、还在 …) must follow to say the danger is back.
_RENEWED_WITHIN = 16


@dataclass(frozen=True)
class Scope:
    """The marker patterns, loaded and validated from ``data/scope.yaml``."""

    markers: dict[str, re.Pattern[str]]
    source: str

    @classmethod
    def load(cls, path: str | Path | None = None) -> Scope:
        path = Path(path) if path else default_data_path("scope.yaml")
        data = read_yaml(path)
        missing = [name for name in _LISTS if not isinstance(data.get(name), list) or not data[name]]
        if missing:
            raise LexiconError(f"{path}: needs non-empty word lists {missing}")
        unknown = sorted(set(data) - set(_LISTS) - {"version"})
        if unknown:
            raise LexiconError(f"{path}: unknown keys {unknown}; allowed: {list(_LISTS)}")
        return cls(markers={name: compile_words(data[name], f"{path}: {name}") for name in _LISTS},
                   source=str(path))

    def judge(self, text: str, start: int, end: int, only: frozenset[str] | None = None) -> str:
        """The scope of the words ``text[start:end]``: one of :data:`SCOPES`.

        ``only`` limits the judgements tried (a route cue such as 物业 can be negated or
        supposed, but "resolved" means nothing for it); the others count as now.
        """
        m, ask = self.markers, (lambda kind: only is None or kind in only)
        clause_start = _last_break(_CLAUSE_END, text, start)
        if ask("negated") and (m["negated_before"].search(text[max(clause_start, start - _NEAR):start])
                               or m["negated_after"].match(text, end, min(len(text), end + _NEAR))):
            return "negated"
        clause_end = _next_break(_CLAUSE_END, text, end)
        before, clause = text[clause_start:start], text[clause_start:clause_end]
        now = m["now"].search(clause) is not None
        sentence_start = _last_break(_SENTENCE_END, text, start)
        if ask("hypothetical") and ((not now and (m["hypothetical"].search(before)
                                                  or m["supposed"].search(text, sentence_start, start)))
                                    or m["hypothetical_after"].match(text, end, min(len(text), end + _NEAR))):
            return "hypothetical"
        if ask("resolved") and self._resolved_after(text, end):
            return "resolved"
        if not now:
            earlier = text[_last_break(_CLAUSE_END, text, max(clause_start - 1, 0)):clause_end]
            for name in ("habitual", "past"):
                if ask(name) and m[name].search(earlier):
                    return name
        return NOW

    def _resolved_after(self, text: str, end: int) -> bool:
        stop = _next_break(_SENTENCE_END, text, end)
        stop = _next_break(_SENTENCE_END, text, min(stop + 1, len(text)))  # and the next sentence
        m = self.markers
        for found in m["resolved"].finditer(text, end, stop):
            if m["unresolved_before"].search(text[max(end, found.start() - _NEAR):found.start()]):
                continue  # 仍未补装: the repair has not happened
            return m["renewed"].search(text, found.end(), min(stop, found.end() + _RENEWED_WITHIN)) is None
        return False


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The start and end of the sentence holding ``text[start:end]``."""
    return _last_break(_SENTENCE_END, text, start), _next_break(_SENTENCE_END, text, end)


def _last_break(breaks: str, text: str, pos: int) -> int:
    """The index just after the last break character before ``pos`` (0 when there is none)."""
    found = _break_places(text)[breaks is _SENTENCE_END]
    i = bisect_left(found, pos)
    return found[i - 1] + 1 if i else 0


def _next_break(breaks: str, text: str, pos: int) -> int:
    """The index of the first break character at or after ``pos`` (the text's length when there is none)."""
    found = _break_places(text)[breaks is _SENTENCE_END]
    i = bisect_left(found, pos)
    return found[i] if i < len(found) else len(text)


_CLAUSE_MARK = re.compile(f"[{re.escape(_CLAUSE_END)}]")


@lru_cache(maxsize=16)
def _break_places(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Where the clauses and the sentences of ``text`` end, found once for all the words judged in it."""
    clauses = tuple(m.start() for m in _CLAUSE_MARK.finditer(text))
    return clauses, tuple(i for i in clauses if text[i] in _SENTENCE_END)

"""Anchors: the literal openings one of which every match of a pattern starts with.

A lexicon pattern is an alternation of words and regular expressions. Its anchors are short
literal strings such that a match can only start where one of them starts: the words
themselves, ``然气`` for ``(?<!天)然气(?=味)``, ``燃气``/``煤气`` for ``(?:燃气|煤气)[^，]{0,24}味``,
each digit for ``[0-9]+个``. One Aho-Corasick pass over a text then finds every place where any
of many patterns can match (:mod:`triage.text.scanner`), and the patterns themselves are tried
only there.

The analysis reads the pattern's parse tree (the standard library's own parser); a pattern it
cannot read, one that can match the empty string, or one whose openings are too many or too
loose (``.``, ``\\w``, ``[^，]``) has no anchors (``None``), and is searched as before.

>>> sorted(anchors(re.compile("(?<!天)然气(?=味)|煤汽")))
['然气', '煤汽']
>>> sorted(anchors(re.compile("(?:燃气|煤气)[^，]{0,24}味")))
['煤气', '燃气']
>>> anchors(re.compile("[^，]{0,6}味")) is None
True
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["MAX_ANCHOR", "anchors"]

#: Anchors are cut to this many characters: longer ones find no fewer places.
MAX_ANCHOR = 4
#: More openings than this and the pattern is searched as before.
_MAX_OPENINGS = 2048
#: An unrolled repeat giving more openings than this keeps its body's own (a small automaton stays in cache).
_MAX_UNROLLED = 64

try:  # the parser of the re module itself; without it every pattern is searched as before
    from re import _constants as _c
    from re import _parser
except ImportError:  # pragma: no cover - a Python without them
    _parser = None


class _Loose(Exception):
    """An opening that no short set of literal strings covers."""


@lru_cache(maxsize=4096)  # the cues' patterns are read again by the rules and by the Triager's scanner
def anchors(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """The literal strings one of which starts every match of ``pattern``; ``None`` when there are none."""
    if _parser is None or pattern.flags & (re.IGNORECASE | re.VERBOSE):
        return None
    try:
        found = _openings(list(_parser.parse(pattern.pattern, pattern.flags)), frozenset({("", True)}))
    except (_Loose, re.error, RecursionError, TypeError, ValueError):
        return None
    if not found or any(not s for s, _ in found):
        return None  # the pattern can match the empty string
    keep: list[str] = []
    for s in sorted({s for s, _ in found}, key=len):  # 燃气 covers 燃气管
        if not any(s.startswith(k) for k in keep):
            keep.append(s)
    return frozenset(keep)


# An opening is (text, open): ``open`` while the text is exactly what the items read so far
# match, so that what follows may be added to it; closed once something not literal came.
_Openings = frozenset[tuple[str, bool]]
_START: _Openings = frozenset({("", True)})


def _openings(items: list, acc: _Openings) -> _Openings:
    """The openings of ``items`` read after the openings ``acc``."""
    for n, (op, av) in enumerate(items):
        if not any(o for _, o in acc):
            return acc
        if op in (_c.ASSERT, _c.ASSERT_NOT, _c.AT):
            continue  # zero-width: the match goes on at the same place
        try:
            if op in _REPEATS:
                return _repeat(av, items[n + 1:], acc)
            acc = _join(acc, _element(op, av))
        except _Loose:
            return _close(acc)  # what comes next is unknown: the openings so far still hold
    return acc


def _repeat(av: tuple, rest: list, acc: _Openings) -> _Openings:
    """The openings of ``body{low,high}`` followed by ``rest``.

    Where the body is read exactly (``[0-9一二三]``), one repeat is unrolled and what may follow
    it is read too: ``[0-9一二三]+[千万]`` opens with 一千, 三万, 二三 …, not with every 一. Where
    that gives too many openings, the body's own openings are the last known.
    """
    low, high, body = av
    once = _openings(list(body), _START)
    if high > 0 and all(s and o for s, o in once):
        try:
            again = [(_REPEAT, (max(low - 1, 0), high if high == _c.MAXREPEAT else high - 1, body))] if high > 1 else []
            taken = _openings(again + rest, _join(acc, once))
            taken = taken if low >= 1 else taken | _openings(rest, acc)
            if len(taken) <= _MAX_UNROLLED:
                return taken
        except _Loose:
            pass
    taken = _close(_join(acc, once))
    return taken if low >= 1 else taken | _openings(rest, acc)  # or the repeat is skipped


def _element(op: object, av: object) -> _Openings:
    """The openings of one element that is neither zero-width nor a repeat."""
    if op is _c.LITERAL:
        return frozenset({(chr(av), True)})  # type: ignore[arg-type]
    if op is _c.IN:
        return frozenset((c, True) for c in _charset(av))  # type: ignore[arg-type]
    if op is _c.SUBPATTERN:
        _, add_flags, del_flags, sub = av  # type: ignore[misc]
        if add_flags or del_flags:
            raise _Loose
        return _openings(list(sub), _START)
    if op is _c.BRANCH:
        return frozenset().union(*(_openings(list(b), _START) for b in av[1]))  # type: ignore[index]
    raise _Loose


def _join(acc: _Openings, more: _Openings) -> _Openings:
    out = set()
    for a, a_open in acc:
        if not a_open:
            out.add((a, False))
            continue
        for m, m_open in more:
            s = a + m
            out.add((s[:MAX_ANCHOR], m_open and len(s) < MAX_ANCHOR))
        if len(out) > _MAX_OPENINGS:  # it only grows: too many now is too many at the end
            raise _Loose
    return frozenset(out)


def _close(acc: _Openings) -> _Openings:
    """Nothing more is known after these openings: an empty one means a match could start anywhere."""
    if any(not s for s, _ in acc):
        raise _Loose
    return frozenset((s, False) for s, _ in acc)


_REPEATS = tuple(op for op in (getattr(_c, name, None) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"))
                 if op is not None) if _parser is not None else ()
_REPEAT = _c.MAX_REPEAT if _parser is not None else None


def _charset(av: list) -> frozenset[str]:
    chars: set[str] = set()
    for op, arg in av:
        if op is _c.LITERAL:
            chars.add(chr(arg))
        elif op is _c.RANGE and arg[1] - arg[0] < 64:
            chars.update(chr(c) for c in range(arg[0], arg[1] + 1))
        else:  # NEGATE, CATEGORY, wide ranges
            raise _Loose
    if not chars or len(chars) > 64:
        raise _Loose
    return frozenset(chars)

"""Text normalisation: the one canonical form every later step sees.

NFKC folds full-width letters, digits and punctuation to half-width; OpenCC turns
traditional characters into simplified ones; control characters go, runs of white space
become one space and spaces between two Chinese characters go (煤 气 味 → 煤气味); then the
spelling table (``data/spelling.yaml``) folds typos and homophones (煤汽 → 煤气).

:func:`trace` gives the same text with, for each character, where it came from in the
caller's text, so that an explanation can quote the caller's own words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .spelling import Spelling, default_spelling

__all__ = ["Normalizer", "Traced", "nfkc", "normalize", "to_simplified", "trace"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
_SPACES = re.compile(r"\s+")
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE_IN_WORD = re.compile(f"(?<=[{_HAN}]) (?=[{_HAN}])")
# The full-width punctuation of nearly every complaint, each with its NFKC form (a single
# ASCII character, which is also its full compatibility decomposition).
_FULL_WIDTH = tuple((c, unicodedata.normalize("NFKC", c)) for c in "，：；？（）！")


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, usually without running it.

    NFKC of a text is the composition of its compatibility decomposition, so replacing a
    character by its own decomposition does not change the result; once the common
    full-width punctuation is replaced, most complaints pass Python's quick check as already
    normalised, which is many times cheaper than normalising them. Anything else (full-width
    digits, ①, ㎡ …) takes the full normalisation.
    """
    if unicodedata.is_normalized("NFKC", text):
        return text
    narrow = text
    for wide, ascii_form in _FULL_WIDTH:
        narrow = narrow.replace(wide, ascii_form)
    return narrow if unicodedata.is_normalized("NFKC", narrow) else unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=1)
def _converter():  # built once per process, on first use
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Convert traditional Chinese characters to simplified ones."""
    return _converter().convert(text)


def normalize(text: str, spelling: Spelling | None = None) -> str:
    """Return the canonical form of a complaint text (spelling folds: the shipped table unless given).

    >>> normalize("樓道裡有煤汽味，１２３號　樓")
    '楼道里有煤气味,123号楼'
    """
    text = to_simplified(_CONTROL.sub("", nfkc(text)))
    if _ANY_SPACE.search(text) is not None:  # most complaints have no white space at all
        text = _SPACE_IN_WORD.sub("", _SPACES.sub(" ", text).strip())
    return (spelling or default_spelling()).fold(text)


class Normalizer:
    """:func:`normalize` with one spelling table, kept with a model so that it reads text as it was trained.

    >>> Normalizer(Spelling.load())("煤汽味")
    '煤气味'
    """

    def __init__(self, spelling: Spelling) -> None:
        self.spelling = spelling

    def __call__(self, text: str) -> str:
        return normalize(text, self.spelling)

    def reads_like(self, other: Spelling) -> bool:
        """Whether ``other`` folds exactly as this normaliser does (then its output can be shared)."""
        return self.spelling.pattern.pattern == other.pattern.pattern and self.spelling.right == other.right


@dataclass(frozen=True)
class Traced:
    """A normalised text and, for each of its characters, the index it came from in ``original``."""

    original: str
    text: str
    origin: tuple[int, ...]

    def quote(self, start: int, end: int) -> str:
        """The caller's own words behind ``text[start:end]``."""
        if start >= end or end > len(self.origin):
            return self.text[start:end]
        return self.original[self.origin[start]:self.origin[end - 1] + 1]


def trace(original: str) -> Traced:
    """Normalise ``original`` step by step, keeping where each character came from.

    Runs only when a quote is needed. Each character is normalised on its own (NFKC, control
    characters dropped); where a step does not map character by character (OpenCC phrase
    conversions that change length, composed NFKC sequences), the characters of the step's
    output are given the origin of their position's nearest input.
    """
    text = original.translate(_CHAR_FORMS)
    if len(text) == len(original) and _IRREGULAR.isdisjoint(original):
        origin: list[int] = list(range(len(original)))  # every character gave exactly one
    else:
        origin = [i for i, c in enumerate(original) for _ in range(len(_CHAR_FORMS[ord(c)] or ""))]
    chars = _map_step(text, origin, to_simplified(text))
    if _ANY_SPACE.search(chars[0]) is not None:
        chars = _fold_spaces(*chars)
    text, origin = chars
    for start, end, right in reversed(default_spelling().spans(text)):
        span = origin[start:end]
        origin[start:end] = [span[min(k, len(span) - 1)] for k in range(len(right))]
        text = text[:start] + right + text[end:]
    return Traced(original=original, text=text, origin=tuple(origin))


class _CharForms(dict):
    """Code point -> that character alone after NFKC, control characters dropped (``None``: nothing).

    A :meth:`str.translate` table filled on first sight of each character; characters whose form
    is not exactly one character are also put in :data:`_IRREGULAR`.
    """

    def __missing__(self, code: int) -> str | None:
        form = "".join(out for out in unicodedata.normalize("NFKC", chr(code)) if not _CONTROL.match(out))
        if len(form) != 1:
            _IRREGULAR.add(chr(code))
        self[code] = form or None
        return self[code]


_IRREGULAR: set[str] = set()
_CHAR_FORMS = _CharForms()
_ANY_SPACE = re.compile(r"\s")


def _map_step(text: str, origin: list[int], converted: str) -> tuple[str, list[int]]:
    if len(converted) == len(text):
        return converted, origin
    n = max(len(text), 1)
    return converted, [origin[min(k * n // max(len(converted), 1), n - 1)] for k in range(len(converted))]


def _fold_spaces(text: str, origin: list[int]) -> tuple[str, list[int]]:
    """One space per run of white space, none at the ends or between two Han characters."""
    kept: list[tuple[str, int]] = []
    for c, i in zip(text, origin, strict=True):
        if c.isspace():
            if kept and kept[-1][0] != " ":
                kept.append((" ", i))
        else:
            if kept and kept[-1][0] == " " and len(kept) > 1 and _is_han(kept[-2][0]) and _is_han(c):
                kept.pop()
            kept.append((c, i))
    if kept and kept[-1][0] == " ":
        kept.pop()
    return "".join(c for c, _ in kept), [i for _, i in kept]


_HAN_CHAR = re.compile(f"[{_HAN}]")


def _is_han(c: str) -> bool:
    return _HAN_CHAR.match(c) is not None

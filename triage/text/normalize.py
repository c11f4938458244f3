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

    Slower than :func:`normalize` (it works a character at a time), so it runs only when a
    quote is needed. Where a step does not map character by character (OpenCC phrase
    conversions that change length, composed NFKC sequences), the characters of the step's
    output are given the origin of their position's nearest input.
    """
    chars: list[tuple[str, int]] = []
    for i, c in enumerate(original):
        for out in unicodedata.normalize("NFKC", c):
            if not _CONTROL.match(out):
                chars.append((out, i))
    chars = _map_step(chars, to_simplified("".join(c for c, _ in chars)))
    kept: list[tuple[str, int]] = []
    for c, i in chars:  # one space per run of white space, none at the ends or between Han
        if c.isspace():
            if kept and kept[-1][0] != " ":
                kept.append((" ", i))
        else:
            if kept and kept[-1][0] == " " and len(kept) > 1 and _is_han(kept[-2][0]) and _is_han(c):
                kept.pop()
            kept.append((c, i))
    if kept and kept[-1][0] == " ":
        kept.pop()
    text = "".join(c for c, _ in kept)
    origin = [i for _, i in kept]
    for start, end, right in reversed(default_spelling().spans(text)):
        span = origin[start:end]
        origin[start:end] = [span[min(k, len(span) - 1)] for k in range(len(right))]
        text = text[:start] + right + text[end:]
    return Traced(original=original, text=text, origin=tuple(origin))


def _map_step(chars: list[tuple[str, int]], converted: str) -> list[tuple[str, int]]:
    if len(converted) == len(chars):
        return [(c, i) for c, (_, i) in zip(converted, chars, strict=True)]
    n = max(len(chars), 1)
    return [(c, chars[min(k * n // max(len(converted), 1), n - 1)][1]) for k, c in enumerate(converted)]


def _is_han(c: str) -> bool:
    return bool(re.match(f"[{_HAN}]", c))

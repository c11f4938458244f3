"""Text normalisation: the one canonical form every later step sees.

NFKC folds full-width letters, digits and punctuation to half-width; OpenCC turns
traditional characters into simplified ones; control characters go and runs of
white space become one space.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["nfkc", "normalize", "to_simplified"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
_SPACES = re.compile(r"\s+")
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


def normalize(text: str) -> str:
    """Return the canonical form of a complaint text.

    >>> normalize("樓道裡有煤氣味，１２３號　樓")
    '楼道里有煤气味,123号 楼'
    """
    text = nfkc(text)
    text = _CONTROL.sub("", text)
    text = to_simplified(text)
    return _SPACES.sub(" ", text).strip()

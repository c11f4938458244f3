"""Text normalisation: the one canonical form every later step sees.

NFKC folds full-width letters, digits and punctuation to half-width; OpenCC turns
traditional characters into simplified ones; control characters go and runs of
white space become one space.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["normalize", "to_simplified"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
_SPACES = re.compile(r"\s+")


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
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub("", text)
    text = to_simplified(text)
    return _SPACES.sub(" ", text).strip()

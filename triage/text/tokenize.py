"""Word tokenisation with jieba semantics and the domain dictionary.

:class:`JiebaTokenizer` is what the feature pipeline calls. It keeps only its
settings, so a fitted pipeline pickles small; the dictionary itself is loaded
once per process and engine, on first use. Two engines give the same tokens:
``"rjieba"`` (the Rust port, several times faster) and ``"jieba"`` (the
reference implementation); ``tests/test_tokenize.py`` checks that they agree.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from functools import lru_cache, partial
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import LexiconError

__all__ = ["ENGINES", "JiebaTokenizer", "fold_token", "read_userdict"]

ENGINES = ("rjieba", "jieba")
_WORD_RUN = re.compile(r"[^\W_]+", re.UNICODE)  # letters and digits; "_" separates, as jieba splits it
_DIGITS = re.compile(r"\d+")
_lock = threading.Lock()


def fold_token(token: str) -> list[str]:
    """What one engine token becomes: its word runs ([^\\W_]: str.isalnum characters) with digit
    runs (\\d: str.isdecimal) folded to "0"; punctuation and spaces become nothing.

    Most tokens are all letters (isalpha: alphanumeric, no decimal digit) and stay as they are.
    """
    if token.isalpha():
        return [token]
    if token.isdecimal():
        return ["0"]
    return _WORD_RUN.findall(_DIGITS.sub("0", token))


def _default_userdict() -> Path:
    return Path(str(resources.files("triage") / "data" / "userdict.txt"))


def read_userdict(path: str | Path | None = None) -> list[tuple[str, int, str]]:
    """Read a user dictionary: ``word frequency tag`` per line, ``#`` comments."""
    path = Path(path) if path else _default_userdict()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise LexiconError(f"{path}: cannot read the user dictionary: {e.strerror}") from e
    entries = []
    for n, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 3 or not parts[1].isdigit():
            raise LexiconError(f"{path}:{n}: expected 'word frequency tag', got {line!r}")
        entries.append((parts[0], int(parts[1]), parts[2]))
    return entries


@lru_cache(maxsize=8)
def _engine(engine: str, userdict: str) -> Any:
    entries = read_userdict(userdict or None)
    if engine == "rjieba":
        import rjieba

        seg = rjieba.Jieba()
        for word, freq, tag in entries:
            seg.add_word(word, freq, tag)
        return seg
    if engine == "jieba":
        import jieba

        jieba.setLogLevel(60)
        seg = jieba.Tokenizer()
        seg.initialize()
        for word, freq, tag in entries:
            seg.add_word(word, freq, tag)
        return seg
    raise ValueError(f"unknown tokenizer engine {engine!r}; choose one of {ENGINES}")


class JiebaTokenizer:
    """Callable tokenizer for scikit-learn vectorizers.

    >>> JiebaTokenizer()("小区化粪池满了")
    ['小区', '化粪池', '满', '了']

    Punctuation and spaces are dropped (a token such as "16-21" splits at the
    dash, as the reference engine splits it) and digit runs become ``0``, so
    "18号楼" and "3号楼" share features.
    """

    def __init__(self, engine: str = "rjieba", userdict: str | None = None) -> None:
        self.engine = engine
        self.userdict = userdict

    def _segmenter(self) -> Any:
        with _lock:
            return _engine(self.engine, self.userdict or "")

    def raw(self, text: str) -> list[str]:
        """The engine's tokens, unfiltered (for the equivalence check)."""
        return list(self.cutter()(text))

    def cutter(self) -> Callable[[str], list[str]]:
        """The engine's own segmenting function (text -> unfiltered tokens), for a batch of texts."""
        seg = self._segmenter()
        if self.engine == "rjieba":
            return partial(seg.cut, hmm=True)
        return partial(seg.lcut, HMM=True)

    def __call__(self, text: str) -> list[str]:
        out: list[str] = []
        for token in self.raw(text):
            if token.isalpha():
                out.append(token)
            else:
                out.extend(fold_token(token))
        return out

    def __repr__(self) -> str:
        return f"JiebaTokenizer(engine={self.engine!r}, userdict={self.userdict!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, JiebaTokenizer) and (self.engine, self.userdict) == (
            other.engine, other.userdict)

    def __hash__(self) -> int:
        return hash((self.engine, self.userdict))

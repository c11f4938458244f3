"""N-gram lookup for fitted TF-IDF features: what answering needs, without scikit-learn.

An n-gram is an integer key (character code points, or token ids, packed into one int64);
all texts of a batch are keyed at once with NumPy and found with a :class:`KeyTable`.
:class:`NgramIndex` holds a fitted vocabulary and finds it in texts; the estimator
:class:`~triage.model.vectorize.NgramTfidf` fits one (and is one), and a compact model keeps
plain ones, so that loading it imports no scikit-learn. :func:`tfidf_rows` weighs the
occurrences of several parts side by side into one CSR matrix.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from itertools import chain, repeat

import numpy as np
import scipy.sparse as sp

from ..text.tokenize import JiebaTokenizer, fold_token
from .lookup import KeyTable

__all__ = ["NgramIndex", "OpeningSentence", "tfidf_rows"]

_BITS = 21  # every Unicode code point fits in 21 bits; three fit in an int64
_SENTENCE_END = re.compile(r"[。！？!?\n]")


class NgramIndex:
    """A fitted n-gram vocabulary: ``keys_`` per n (sorted int64), ``offsets_`` (first columns),
    ``idf_``, ``tokens_`` (token -> id, word analyzer), ``n_features_out_``; plus
    ``analyzer``, ``ngram_range``, ``tokenizer`` and ``preprocessor``."""

    analyzer: str
    ngram_range: tuple[int, int]
    tokenizer: Callable[[str], list[str]] | None
    preprocessor: Callable[[str], str] | None

    def _check_fitted(self) -> None:
        if not hasattr(self, "idf_"):
            raise ValueError(f"this {type(self).__name__} is not fitted yet: call fit first")

    def _sequences(self, texts: Iterable[str], fitting: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """All texts as one int64 sequence with -1 between texts, and each position's text index."""
        texts = [self.preprocessor(t) if self.preprocessor else t for t in texts]
        if self.analyzer == "char":
            joined = "\uffff".join(texts)  # U+FFFF never occurs in text; mapped to -1 below
            seq = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
            seq[seq == 0xFFFF] = -1
            lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
        elif not fitting and type(self.tokenizer) is JiebaTokenizer:
            seq, lengths = self._token_ids(texts)
        else:
            tokenized = [self.tokenizer(t) for t in texts]  # type: ignore[misc]
            if fitting:
                self._fit_tokens(tokenized)
            lengths = np.fromiter((len(t) for t in tokenized), dtype=np.int64, count=len(tokenized))
            flat = list(chain.from_iterable(tokenized))
            ids = np.fromiter(map(self.tokens_.get, flat, repeat(-1)), dtype=np.int64, count=len(flat))
            # the texts' ids one after another with -1 between texts
            seq = np.full(max(len(flat) + len(texts) - 1, 0), -1, dtype=np.int64)
            seq[np.arange(len(flat)) + np.repeat(np.arange(len(texts)), lengths)] = ids
        doc = np.repeat(np.arange(len(lengths)), lengths + 1)[: len(seq)]
        return seq, doc

    def _token_ids(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The word analyzer's sequence and lengths, each engine token's ids looked up once per process.

        The same as tokenising each text and looking its tokens up: an engine token always becomes
        the same tokens (:func:`~triage.text.tokenize.fold_token`), so its ids are kept (:class:`TokenIds`).
        """
        ids = self.__dict__.get("_ids") or self.__dict__.setdefault("_ids", TokenIds(self.tokens_))
        cut, get = self.tokenizer.cutter(), ids.__getitem__  # type: ignore[union-attr]
        if len(texts) > 1 and not any("\n" in t for t in texts):
            # one cut of the texts joined by line breaks, which the engine cuts at and gives as tokens
            seq = np.array(list(chain.from_iterable(map(get, cut("\n".join(texts))))), dtype=np.int64)
            ends = np.append(np.flatnonzero(seq == _BREAK), len(seq))
            if len(ends) == len(texts):
                seq[ends[:-1]] = -1  # between texts
                ends[1:] -= ends[:-1] + 1
                return seq, ends
        flat: list[int] = []
        lengths = np.empty(len(texts), dtype=np.int64)
        for i, text in enumerate(texts):
            before = len(flat)
            found = chain.from_iterable(map(get, cut(text)))
            flat.extend(found if "\n" not in text else (t for t in found if t != _BREAK))
            lengths[i] = len(flat) - before
            flat.append(-1)  # between texts
        return np.array(flat[:-1], dtype=np.int64), lengths

    def _base(self) -> int:
        if self.analyzer == "char":
            return 1 << _BITS
        return getattr(self, "base_", None) or max(len(self.tokens_), 1)  # base_: kept when tokens are pruned

    def _table(self, n: int) -> KeyTable:
        """The lookup table of the n-gram keys, built once per process (not pickled)."""
        tables = self.__dict__.setdefault("_tables", {})
        if n not in tables:
            tables[n] = KeyTable(self.keys_[n])
        return tables[n]

    def __getstate__(self) -> dict:
        parent = getattr(super(), "__getstate__", None)
        state = dict((parent() if parent else None) or self.__dict__)
        for cache in ("_tables", "_columns", "_ids"):
            state.pop(cache, None)
        return state

    def _fit_tokens(self, tokenized: list[list[str]]) -> None:
        raise TypeError("an NgramIndex is fitted already; NgramTfidf fits one")

    def _keys(self, seq: np.ndarray, doc: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Keys of every n-gram that does not cross a text boundary or hold an unknown token."""
        if len(seq) < n:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        windows, bad = len(seq) - n + 1, seq < 0
        keep = ~bad[:windows]
        keys = seq[:windows].copy()
        base = self._base()
        for k in range(1, n):
            keep &= ~bad[k:k + windows]
            keys *= base
            keys += seq[k:k + windows]
        return keys[keep], doc[:windows][keep]

    def hits(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Every kept n-gram occurrence as (text index, column): one pair per occurrence.

        In text order within each n; duplicates are there to be counted by the caller.
        """
        self._check_fitted()
        seq, doc = self._sequences(texts, fitting=False)
        rows, columns = [], []
        for n, vocab in self.keys_.items():
            if not len(vocab):
                continue
            keys, where = self._keys(seq, doc, n)
            pos = self._table(n).lookup(keys)
            hit = pos >= 0
            rows.append(where[hit])
            columns.append(pos[hit] + self.offsets_[n])
        if not rows:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        return np.concatenate(rows), np.concatenate(columns).astype(np.int64)

    def transform_arrays(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``transform`` as the CSR arrays (indptr, indices, data): sorted indices, no duplicates.

        Builds them with NumPy alone; scipy's sparse constructors cost more than the
        arithmetic for the handful of texts a served request brings.
        """
        width = self.n_features_out_
        rows, columns = self.hits(texts)
        cells, counts = np.unique(rows * width + columns, return_counts=True)  # row-major cell numbers
        row = cells // width
        indices = cells - row * width
        indptr = np.searchsorted(cells, np.arange(len(texts) + 1) * width)
        data = (np.log(counts.astype(np.float64)) + 1.0) * self.idf_[indices]
        norms = np.sqrt(np.bincount(row, weights=data ** 2, minlength=len(texts)))
        data /= norms[row]  # l2 rows; a row with no n-gram has no data to divide
        return indptr, indices, data

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        """The n-grams as strings (characters, or tokens joined by a space), in column order."""
        self._check_fitted()
        names: list[str] = []
        base = self._base()
        inverse = {i: t for t, i in self.tokens_.items()} if self.analyzer == "word" else None
        for n, vocab in self.keys_.items():
            for key in vocab.tolist():
                parts = []
                for _ in range(n):
                    key, part = divmod(key, base)
                    parts.append(chr(part) if inverse is None else inverse[part])
                names.append(("" if inverse is None else " ").join(reversed(parts)))
        return np.array(names, dtype=object)


class OpeningSentence:
    """Preprocessor that keeps a text's first sentence (at most ``max_chars``).

    Letters to the hotline open with a title that names the problem
    ("反映A市某小区长期停水问题。") before pages of history; features of the
    opening alone let that title speak louder than the history.
    """

    def __init__(self, max_chars: int = 60) -> None:
        self.max_chars = max_chars

    def __call__(self, text: str) -> str:
        m = _SENTENCE_END.search(text, 0, self.max_chars)
        return text[: m.start() if m else self.max_chars]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OpeningSentence) and other.max_chars == self.max_chars

    def __hash__(self) -> int:
        return hash(("OpeningSentence", self.max_chars))

    def __repr__(self) -> str:
        return f"OpeningSentence(max_chars={self.max_chars})"


class TokenIds(dict):
    """Engine token -> the ids of the tokens it becomes (-1: not in the vocabulary), filled on first sight.

    Holds at most :data:`TOKEN_IDS_KEPT` tokens; rarer ones are folded again each time.
    """

    def __init__(self, tokens: dict[str, int]) -> None:
        super().__init__({"\n": (_BREAK,)})  # a line break (a token of no ids) marks where a text ends
        self.tokens = tokens

    def __missing__(self, token: str) -> tuple[int, ...]:
        found = tuple(self.tokens.get(t, -1) for t in fold_token(token))
        if len(self) < TOKEN_IDS_KEPT:
            self[token] = _UNKNOWN if found == _UNKNOWN else found  # most tokens kept are unknown ones
        return found


#: The most engine tokens a :class:`TokenIds` keeps: about 100 bytes each, 5 MB at most (19,500
#: corpus and pool texts hold 100,000 distinct engine tokens; the first seen are the common ones).
TOKEN_IDS_KEPT = 50_000
_UNKNOWN = (-1,)
#: What the line break between joined texts is looked up as.
_BREAK = -2


def tfidf_rows(parts: Sequence[NgramIndex], texts: Sequence[str], dtype: type = np.float64) -> sp.csr_matrix:
    """The parts' TF-IDF rows side by side (sublinear tf, each part's row l2-normalised), as CSR.

    Every part's n-grams are found in one lookup (a table of all the parts' vocabularies, each
    n of each part under its own tag) and gathered as cell numbers (row * width + column),
    sorted once and counted as runs of equal cells; then each part's weights and norms are
    applied to its columns. Equal to stacking each part's own ``transform_arrays``.
    """
    n = len(texts)
    idf, part_of, table = _columns(parts)
    width = len(idf)
    keys, rows, tags = [], [], []
    for p, part in enumerate(parts):
        part._check_fitted()
        seq, doc = part._sequences(texts)
        for size, vocab in part.keys_.items():
            if len(vocab):
                found, where = part._keys(seq, doc, size)
                keys.append(found)
                rows.append(where)
                tags.append(np.full(len(found), _tag(p, size), dtype=np.uint8))
    if not keys:
        return sp.csr_matrix((n, width), dtype=dtype)
    columns = table.lookup(np.concatenate(keys), np.concatenate(tags))
    hit = columns >= 0
    # each occurrence as its cell number in the row-major matrix; sorted, equal cells are runs
    cells = np.concatenate(rows)[hit] * width + columns[hit]
    if n * width < 1 << 32:  # the usual batch: a sort of 32-bit numbers takes half the time
        cells = cells.astype(np.uint32)
    cells.sort()
    first = np.ones(len(cells), dtype=bool)  # the first cell, then each unlike the one before
    np.not_equal(cells[1:], cells[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    counts = np.diff(starts, append=len(cells))
    cells = cells[starts].astype(np.int64)
    row = cells // width
    indices = (cells - row * width).astype(np.int32)
    data = (np.log(counts.astype(np.float64)) + 1.0) * idf[indices]
    cell = row * len(parts) + part_of[indices]
    norms = np.sqrt(np.bincount(cell, weights=data * data, minlength=n * len(parts)))
    indptr = np.searchsorted(row, np.arange(n + 1)).astype(np.int32)
    return sp.csr_matrix(((data / norms[cell]).astype(dtype), indices, indptr), shape=(n, width))


def _tag(part: int, size: int) -> int:
    """The tag of a part's n-grams of one size in the table of all parts (sizes 1 to 3)."""
    return part * 4 + size


def _columns(parts: Sequence[NgramIndex]) -> tuple[np.ndarray, np.ndarray, KeyTable]:
    """Per column of the parts side by side: its idf and the index of its part; and the table that
    finds every part's n-grams (each n of each part under its tag), by column (kept on the first part)."""
    key = tuple(id(part) for part in parts)
    cached = parts[0].__dict__.get("_columns") if parts else None
    if cached is None or cached[0] != key:
        idf = np.concatenate([part.idf_ for part in parts]).astype(np.float64)
        part_of = np.repeat(np.arange(len(parts)), [part.n_features_out_ for part in parts])
        keys, tags = np.full(len(idf), -1, dtype=np.int64), np.zeros(len(idf), dtype=np.uint8)
        start = 0
        for p, part in enumerate(parts):
            for size, vocab in part.keys_.items():
                at = start + part.offsets_[size]
                keys[at:at + len(vocab)], tags[at:at + len(vocab)] = vocab, _tag(p, size)
            start += part.n_features_out_
        if len(keys) and keys.min() < 0:
            raise ValueError("the parts' n-grams do not cover their columns")
        cached = (key, idf, part_of, KeyTable(keys, tags))
        if parts:
            parts[0].__dict__["_columns"] = cached
    return cached[1], cached[2], cached[3]

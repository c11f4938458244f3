"""A vectorised TF-IDF for character and word n-grams.

scikit-learn's ``TfidfVectorizer`` looks every n-gram up in a dict, one Python call at
a time; on 170-character complaints that loop is most of the cost of triage. Here an
n-gram is an integer key (character code points, or token ids, packed into one int64),
all texts of a batch are keyed at once with NumPy, and keys are matched to columns with
``searchsorted``. With the same vocabulary the output equals ``TfidfVectorizer``'s
(``sublinear_tf=True``, ``smooth_idf=True``, ``norm="l2"``): ``tests/test_vectorize.py``
checks that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import chain, repeat

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.utils.validation import check_is_fitted

from .lookup import KeyTable

__all__ = ["NgramTfidf"]

_BITS = 21  # every Unicode code point fits in 21 bits; three fit in an int64


class NgramTfidf(TransformerMixin, BaseEstimator):
    """TF-IDF over character n-grams (``analyzer="char"``) or token n-grams (``analyzer="word"``).

    Parameters
    ----------
    analyzer : "char" or "word".
    ngram_range : (min_n, max_n); characters up to 3, tokens up to 2.
    tokenizer : callable text -> list of tokens, for ``analyzer="word"``.
    preprocessor : callable text -> text applied first (e.g. keep the opening sentence).
    min_df : keep n-grams found in at least this many texts.
    max_features : keep at most this many n-grams, the most frequent across texts.

    Attributes
    ----------
    keys_ : per n, the sorted int64 keys of the kept n-grams; offsets_ : their first columns;
    idf_ : inverse document frequencies; tokens_ : token -> id (word analyzer).

    >>> v = NgramTfidf(analyzer="char", ngram_range=(1, 2)).fit(["停水了", "停电了"])
    >>> v.transform(["停水"]).shape  # 停 水 了 电, and 停水 水了 停电 电了
    (1, 8)
    """

    def __init__(self, *, analyzer: str = "char", ngram_range: tuple[int, int] = (1, 3),
                 tokenizer: Callable[[str], list[str]] | None = None,
                 preprocessor: Callable[[str], str] | None = None, min_df: int = 1,
                 max_features: int | None = None):
        self.analyzer = analyzer
        self.ngram_range = ngram_range
        self.tokenizer = tokenizer
        self.preprocessor = preprocessor
        self.min_df = min_df
        self.max_features = max_features

    # -- keys ------------------------------------------------------------------------------
    def _sequences(self, texts: Iterable[str], fitting: bool) -> tuple[np.ndarray, np.ndarray]:
        """All texts as one int64 sequence with -1 between texts, and each position's text index."""
        texts = [self.preprocessor(t) if self.preprocessor else t for t in texts]
        if self.analyzer == "char":
            joined = "\uffff".join(texts)  # U+FFFF never occurs in text; mapped to -1 below
            seq = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
            seq[seq == 0xFFFF] = -1
            lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
        else:
            tokenized = [self.tokenizer(t) for t in texts]  # type: ignore[misc]
            if fitting:
                vocab = sorted({tok for toks in tokenized for tok in toks})
                self.tokens_ = {tok: i for i, tok in enumerate(vocab)}
            lengths = np.fromiter((len(t) for t in tokenized), dtype=np.int64, count=len(tokenized))
            flat = list(chain.from_iterable(tokenized))
            ids = np.fromiter(map(self.tokens_.get, flat, repeat(-1)), dtype=np.int64, count=len(flat))
            # the texts' ids one after another with -1 between texts
            seq = np.full(max(len(flat) + len(texts) - 1, 0), -1, dtype=np.int64)
            seq[np.arange(len(flat)) + np.repeat(np.arange(len(texts)), lengths)] = ids
        doc = np.repeat(np.arange(len(lengths)), lengths + 1)[: len(seq)]
        return seq, doc

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
        state = super().__getstate__()
        state.pop("_tables", None)
        return state

    def _keys(self, seq: np.ndarray, doc: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Keys of every n-gram that does not cross a text boundary or hold an unknown token."""
        if len(seq) < n:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        windows = len(seq) - n + 1
        bad = (seq < 0).astype(np.int64)
        bad_in_window = np.convolve(bad, np.ones(n, dtype=np.int64), mode="valid") > 0
        base = self._base()
        keys = np.zeros(windows, dtype=np.int64)
        for k in range(n):
            keys = keys * base + seq[k:k + windows]
        keep = ~bad_in_window
        return keys[keep], doc[:windows][keep]

    # -- estimator -------------------------------------------------------------------------
    def fit(self, X: Iterable[str], y: object = None) -> NgramTfidf:
        if self.analyzer not in ("char", "word"):
            raise ValueError(f"analyzer must be 'char' or 'word', got {self.analyzer!r}")
        low, high = self.ngram_range
        if not 1 <= low <= high <= (3 if self.analyzer == "char" else 2):
            raise ValueError(f"ngram_range {self.ngram_range} is not supported for analyzer {self.analyzer!r}")
        if self.analyzer == "word" and self.tokenizer is None:
            raise ValueError("analyzer='word' needs a tokenizer")
        texts = list(X)
        seq, doc = self._sequences(texts, fitting=True)
        candidates = []
        for n in range(low, high + 1):
            keys, rows = self._keys(seq, doc, n)
            pairs = np.unique(np.stack([keys, rows]), axis=1) if len(keys) else np.empty((2, 0), np.int64)
            uniq, df = np.unique(pairs[0], return_counts=True)
            candidates.append((n, uniq, df))
        all_df = np.concatenate([df for _, _, df in candidates]) if candidates else np.empty(0)
        order_n = np.concatenate([np.full(len(u), n) for n, u, _ in candidates])
        order_key = np.concatenate([u for _, u, _ in candidates])
        keep = all_df >= self.min_df
        if self.max_features is not None and keep.sum() > self.max_features:
            # the most frequent, ties broken by n and key so that fitting is deterministic
            idx = np.flatnonzero(keep)
            ranked = idx[np.lexsort((order_key[idx], order_n[idx], -all_df[idx]))]
            keep = np.zeros_like(keep)
            keep[ranked[: self.max_features]] = True
        self.keys_, self.offsets_, idf_parts, offset = {}, {}, [], 0
        for n in range(low, high + 1):
            mask = keep & (order_n == n)
            self.keys_[n] = order_key[mask]  # already sorted within each n
            self.offsets_[n] = offset
            offset += int(mask.sum())
            idf_parts.append(np.log((1 + len(texts)) / (1 + all_df[mask])) + 1.0)
        self.idf_ = np.concatenate(idf_parts) if idf_parts else np.empty(0)
        self.n_features_out_ = offset
        return self

    def transform(self, X: Iterable[str]) -> sp.csr_matrix:
        texts = list(X)
        indptr, indices, data = self.transform_arrays(texts)
        return sp.csr_matrix((data, indices, indptr), shape=(len(texts), self.n_features_out_))

    def hits(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Every kept n-gram occurrence as (text index, column): one pair per occurrence.

        In text order within each n; duplicates are there to be counted by the caller.
        """
        check_is_fitted(self, "idf_")
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

    def subset(self, columns: np.ndarray) -> NgramTfidf:
        """A fitted copy keeping only ``columns`` (sorted, this part's numbering), in the same order.

        Tokens that no kept n-gram uses are dropped; token ids (and so the keys) stay as they were.
        """
        check_is_fitted(self, "idf_")
        columns = np.asarray(columns, dtype=np.int64)
        out = clone(self)
        out.keys_, out.offsets_, offset = {}, {}, 0
        for n, vocab in self.keys_.items():
            start = self.offsets_[n]
            mine = columns[(columns >= start) & (columns < start + len(vocab))] - start
            out.keys_[n], out.offsets_[n] = vocab[mine], offset
            offset += len(mine)
        out.idf_ = self.idf_[columns].astype(np.float32)
        out.n_features_out_ = offset
        if self.analyzer == "word":
            base, used = self._base(), set()
            for n, keys in out.keys_.items():
                rest = keys.copy()
                for _ in range(n):
                    rest, part = np.divmod(rest, base)
                    used.update(part.tolist())
            out.base_ = base
            out.tokens_ = {tok: i for tok, i in self.tokens_.items() if i in used}
        return out

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        """The n-grams as strings (characters, or tokens joined by a space), in column order."""
        check_is_fitted(self, "idf_")
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

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

from collections.abc import Callable, Iterable

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin

from .ngrams import NgramIndex

__all__ = ["NgramTfidf"]

class NgramTfidf(NgramIndex, TransformerMixin, BaseEstimator):
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

    def _fit_tokens(self, tokenized: list[list[str]]) -> None:
        vocab = sorted({tok for toks in tokenized for tok in toks})
        self.tokens_ = {tok: i for i, tok in enumerate(vocab)}

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

    def subset(self, columns: np.ndarray) -> NgramIndex:
        """A plain index keeping only ``columns`` (sorted, this part's numbering), in the same order.

        Tokens that no kept n-gram uses are dropped; token ids (and so the keys) stay as they were.
        """
        self._check_fitted()
        columns = np.asarray(columns, dtype=np.int64)
        out = NgramIndex()
        out.analyzer, out.ngram_range = self.analyzer, tuple(self.ngram_range)
        out.tokenizer, out.preprocessor = self.tokenizer, self.preprocessor
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

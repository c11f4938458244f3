"""Text features: jieba word n-grams and character n-grams, TF-IDF weighted."""

from __future__ import annotations

import re
import weakref
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.pipeline import FeatureUnion

from ..text.tokenize import JiebaTokenizer
from .vectorize import NgramTfidf

__all__ = ["OpeningSentence", "make_features", "union_transform"]

_SENTENCE_END = re.compile(r"[。！？!?\n]")


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


def make_features(*, engine: str = "rjieba", word_ngrams: tuple[int, int] = (1, 2),
                  char_ngrams: tuple[int, int] = (1, 3), min_df: int = 2,
                  max_features: int | None = 100_000, opening_chars: int = 0) -> FeatureUnion:
    """Word and character TF-IDF side by side (plus the opening sentence's characters).

    Words carry meaning ("化粪池", "一户一表"); characters survive typos,
    homophones and words the dictionary splits badly ("燃汽", "下水到").
    """
    parts = [
        ("words", NgramTfidf(analyzer="word", ngram_range=word_ngrams, tokenizer=JiebaTokenizer(engine=engine),
                             min_df=min_df, max_features=max_features)),
        ("chars", NgramTfidf(analyzer="char", ngram_range=char_ngrams, min_df=min_df, max_features=max_features)),
    ]
    if opening_chars:
        parts.append(("opening", NgramTfidf(analyzer="char", ngram_range=(1, 2),
                                            preprocessor=OpeningSentence(opening_chars))))
    return FeatureUnion(parts)


def union_transform(union: FeatureUnion, texts: Sequence[str], dtype: type = np.float64) -> sp.csr_matrix:
    """``union.transform(texts)`` as CSR, equal to scipy's ``hstack`` of the parts, built in one step.

    For a union of :class:`NgramTfidf` parts (what :func:`make_features` makes) every part's
    n-gram occurrences are gathered, put in text order (a stable sort of a few sorted runs)
    and counted by scipy's per-row sort; then each part's TF-IDF weights and l2 norms are
    applied to its columns. No per-part sparse matrices, no ``hstack``, no scikit-learn
    output wrapping. Any other union goes the general way.
    """
    parts = [part for _, part in union.transformer_list]
    if union.transformer_weights or not all(isinstance(part, NgramTfidf) for part in parts):
        return sp.hstack([part.transform(texts) for part in parts], format="csr").astype(dtype)
    n = len(texts)
    idf, part_of = _columns(union, parts)
    width = len(idf)
    found = [part.hits(texts) for part in parts]
    offsets = np.cumsum([0] + [part.n_features_out_ for part in parts])
    rows = np.concatenate([r for r, _ in found])
    columns = np.concatenate([c + offset for (_, c), offset in zip(found, offsets[:-1], strict=True)])
    order = np.argsort(rows, kind="stable")  # a merge of a few runs already in text order
    indptr = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    Z = sp.csr_matrix((np.ones(len(rows), dtype=np.float64), columns[order].astype(np.int32), indptr),
                      shape=(n, width))
    Z.sum_duplicates()  # scipy sorts each row's columns and adds up repeats: the counts
    data = (np.log(Z.data) + 1.0) * idf[Z.indices]
    cell = np.repeat(np.arange(n) * len(parts), np.diff(Z.indptr)) + part_of[Z.indices]
    norms = np.sqrt(np.bincount(cell, weights=data ** 2, minlength=n * len(parts)))
    Z.data = (data / norms[cell]).astype(dtype)  # each part's row has unit length
    return Z


_COLUMNS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _columns(union: FeatureUnion, parts: list[NgramTfidf]) -> tuple[np.ndarray, np.ndarray]:
    """Per column of the union: its idf and the index of its part (kept per fitted union)."""
    cached = _COLUMNS.get(union)
    if cached is None or len(cached[0]) != sum(part.n_features_out_ for part in parts):
        idf = np.concatenate([part.idf_ for part in parts]).astype(np.float64)
        part_of = np.repeat(np.arange(len(parts)), [part.n_features_out_ for part in parts])
        cached = _COLUMNS[union] = (idf, part_of)
    return cached

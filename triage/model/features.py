"""Text features: jieba word n-grams and character n-grams, TF-IDF weighted."""

from __future__ import annotations

import re
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


def union_transform(union: FeatureUnion, texts: Sequence[str]) -> sp.csr_matrix:
    """``union.transform(texts)`` as CSR, equal to scipy's ``hstack`` of the parts, built in one step.

    For a union of :class:`NgramTfidf` parts (what :func:`make_features` makes) the rows are
    assembled from each part's CSR arrays with NumPy: no per-part sparse matrices, no
    ``hstack``, no scikit-learn output wrapping, which on a few texts cost more than the
    features themselves. Any other union goes the general way.
    """
    parts = [part for _, part in union.transformer_list]
    if union.transformer_weights or not all(isinstance(part, NgramTfidf) for part in parts):
        return sp.hstack([part.transform(texts) for part in parts], format="csr")
    n = len(texts)
    arrays = [part.transform_arrays(texts) for part in parts]
    per_row = [np.diff(indptr) for indptr, _, _ in arrays]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.sum(per_row, axis=0), out=indptr[1:])
    indices = np.empty(indptr[-1], dtype=np.int64)
    data = np.empty(indptr[-1], dtype=np.float64)
    start, offset = indptr[:-1].copy(), 0
    for (part_indptr, part_indices, part_data), counts, part in zip(arrays, per_row, parts, strict=True):
        rows = np.repeat(np.arange(n), counts)
        dest = start[rows] + (np.arange(len(part_indices)) - part_indptr[rows])  # each row: parts side by side
        indices[dest] = part_indices + offset
        data[dest] = part_data
        start += counts
        offset += part.n_features_out_
    return sp.csr_matrix((data, indices, indptr), shape=(n, offset))

"""Text features: jieba word n-grams and character n-grams, TF-IDF weighted."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.pipeline import FeatureUnion

from ..text.tokenize import JiebaTokenizer
from .ngrams import OpeningSentence, tfidf_rows
from .vectorize import NgramTfidf

__all__ = ["OpeningSentence", "make_features", "union_transform"]

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

    For a union of :class:`NgramTfidf` parts (what :func:`make_features` makes) the parts'
    occurrences are counted and weighed together (:func:`~triage.model.ngrams.tfidf_rows`): no
    per-part sparse matrices, no ``hstack``, no scikit-learn output wrapping. Any other union
    goes the general way.
    """
    parts = [part for _, part in union.transformer_list]
    if union.transformer_weights or not all(isinstance(part, NgramTfidf) for part in parts):
        return sp.hstack([part.transform(texts) for part in parts], format="csr").astype(dtype)
    return tfidf_rows(parts, texts, dtype)

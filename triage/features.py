"""Text features: jieba word n-grams and character n-grams, TF-IDF weighted."""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from .tokenize import JiebaTokenizer

__all__ = ["make_features", "trim"]


def make_features(*, engine: str = "rjieba", word_ngrams: tuple[int, int] = (1, 2),
                  char_ngrams: tuple[int, int] = (1, 3), min_df: int = 2,
                  max_features: int | None = 100_000) -> FeatureUnion:
    """Word and character TF-IDF side by side.

    Words carry meaning ("化粪池", "一户一表"); characters survive typos,
    homophones and words the dictionary splits badly ("燃汽", "下水到").
    """
    words = TfidfVectorizer(tokenizer=JiebaTokenizer(engine=engine), token_pattern=None, lowercase=False,
                            ngram_range=word_ngrams, min_df=min_df, sublinear_tf=True,
                            max_features=max_features, dtype=np.float32)
    chars = TfidfVectorizer(analyzer="char", ngram_range=char_ngrams, min_df=min_df, sublinear_tf=True,
                            lowercase=False, max_features=max_features, dtype=np.float32)
    return FeatureUnion([("words", words), ("chars", chars)])


def trim(features: FeatureUnion) -> FeatureUnion:
    """Drop the vectorizers' ``stop_words_`` (every pruned term): not needed to predict, and large."""
    for _, vectorizer in features.transformer_list:
        if hasattr(vectorizer, "stop_words_"):
            del vectorizer.stop_words_
    return features

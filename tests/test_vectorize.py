"""NgramTfidf gives scikit-learn's TfidfVectorizer output, faster."""

import copy

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer

from triage.model.vectorize import NgramTfidf
from triage.text.tokenize import JiebaTokenizer

TEXTS = ["小区停水三天了，老人没水喝", "建设路路灯不亮，晚上一片漆黑", "化粪池满了往外冒，臭气熏天",
         "单元门口有煤气味", "人行道上停满了车", "停水停电还停气", "路灯路灯路灯"]
NEW = ["停水了", "煤气味很重，路灯也不亮", "完全陌生的字句ABC"]


def aligned(fast, ref, texts):
    names = fast.get_feature_names_out()
    assert sorted(names) == sorted(ref.vocabulary_)
    return fast.transform(texts).toarray(), ref.transform(texts).toarray()[:, [ref.vocabulary_[n] for n in names]]


@pytest.mark.parametrize(("analyzer", "ngrams", "tokenizer"), [
    ("char", (1, 3), None), ("char", (2, 2), None),
    ("word", (1, 2), JiebaTokenizer()), ("word", (1, 1), JiebaTokenizer()),
])
def test_same_output_as_scikit_learn(analyzer, ngrams, tokenizer):
    fast = NgramTfidf(analyzer=analyzer, ngram_range=ngrams, tokenizer=tokenizer).fit(TEXTS)
    ref = TfidfVectorizer(analyzer=analyzer, ngram_range=ngrams, tokenizer=tokenizer, token_pattern=None,
                          lowercase=False, sublinear_tf=True).fit(TEXTS)
    for texts in (TEXTS, NEW):
        ours, theirs = aligned(fast, ref, texts)
        np.testing.assert_allclose(ours, theirs, atol=1e-12)


def test_min_df_and_max_features_keep_the_most_frequent():
    v = NgramTfidf(analyzer="char", ngram_range=(1, 1), min_df=2).fit(TEXTS)
    assert set(v.get_feature_names_out()) >= {"停", "水", "路", "灯"}
    assert "臭" not in set(v.get_feature_names_out())
    top = NgramTfidf(analyzer="char", ngram_range=(1, 1), max_features=3).fit(TEXTS)
    assert len(top.get_feature_names_out()) == 3


def test_empty_and_unknown_texts_give_empty_rows():
    v = NgramTfidf(analyzer="char").fit(TEXTS)
    X = v.transform(["", "ABC"])
    assert X.shape == (2, v.n_features_out_) and X.nnz == 0


def test_estimator_contract():
    v = NgramTfidf(analyzer="word", ngram_range=(1, 2), tokenizer=JiebaTokenizer(), max_features=10)
    assert clone(v).get_params() == v.get_params()
    assert v.fit(TEXTS) is v
    with pytest.raises(ValueError, match="analyzer must be 'char' or 'word'"):
        NgramTfidf(analyzer="bytes").fit(TEXTS)
    with pytest.raises(ValueError, match="needs a tokenizer"):
        NgramTfidf(analyzer="word", ngram_range=(1, 2)).fit(TEXTS)
    with pytest.raises(ValueError, match=r"ngram_range \(1, 4\) is not supported"):
        NgramTfidf(analyzer="char", ngram_range=(1, 4)).fit(TEXTS)


def test_word_ids_kept_per_engine_token_find_what_the_tokens_find():
    words = JiebaTokenizer()
    v = NgramTfidf(analyzer="word", ngram_range=(1, 2), tokenizer=words).fit([*TEXTS, "3号楼停水12天", "A栋_B栋路灯"])
    plain = copy.copy(v)
    plain.tokenizer = lambda text: words(text)  # not a JiebaTokenizer: tokenised text by text, as before
    texts = ["3号楼停水12天了！", "A栋_B栋 路灯不亮", "", "停水停水停水", "完全陌生的字句"]
    for _ in range(2):  # the second time from the kept ids
        for ours, before in zip(v.hits(texts), plain.hits(texts), strict=True):
            np.testing.assert_array_equal(ours, before)
    assert len(v.hits(["3号楼停水"])[0]) > 0

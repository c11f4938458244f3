"""The word part cuts a batch in one engine call: the same ids as cutting each text on its own."""

from __future__ import annotations

import numpy as np
import pytest

from triage.model.ngrams import NgramIndex
from triage.text.tokenize import JiebaTokenizer

TEXTS = ["小区停水两天了", "楼道里有煤气味, 3号楼", "", "路灯不亮 already 2天", "水管爆了。"]


def word_index(engine: str) -> NgramIndex:
    index = NgramIndex()
    index.analyzer, index.tokenizer, index.preprocessor = "word", JiebaTokenizer(engine), None
    index.tokens_ = {token: i for i, token in enumerate(["小区", "停水", "煤气", "0", "号楼", "水管", "already"])}
    return index


def one_by_one(index: NgramIndex, texts: list[str]) -> tuple[list[int], list[int]]:
    seq: list[int] = []
    lengths = []
    for text in texts:
        ids = [index.tokens_.get(t, -1) for t in index.tokenizer(text)]  # type: ignore[misc]
        seq += [*ids, -1]
        lengths.append(len(ids))
    return seq[:-1], lengths


@pytest.mark.parametrize("engine", ["rjieba", "jieba"])
@pytest.mark.parametrize("texts", [TEXTS, TEXTS[:1], [*TEXTS, "两行\n的文字"]], ids=["batch", "one", "line-break"])
def test_a_batch_gets_the_ids_of_its_texts_cut_one_by_one(engine: str, texts: list[str]) -> None:
    index = word_index(engine)
    seq, lengths = index._token_ids(texts)
    expected_seq, expected_lengths = one_by_one(index, texts)
    assert seq.tolist() == expected_seq
    assert lengths.tolist() == expected_lengths
    assert seq.dtype == np.int64

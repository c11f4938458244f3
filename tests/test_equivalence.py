"""One pass over each text gives exactly the answers that searching pattern by pattern gave."""

import json
from pathlib import Path

import pytest
from reference_matching import pattern_by_pattern, trace

from triage.text.normalize import trace as traced

POOL = Path(__file__).resolve().parents[1] / ".." / "shared" / "real" / "pool.jsonl"
HAND_MADE = ["  樓道裡　有煤汽味，\t１２３號 樓\n ", "Ａ①㎡ｶﾞ\u200b 煤 气 味", "e\u0301 한글 ﬁ",
             "煤 气 味 很 大，然气公司"]


def answers(triager, texts):
    return [r.as_dict() for r in triager.triage_many(texts)]


def same_answers(triager, monkeypatch, texts):
    now = answers(triager, texts)
    with pattern_by_pattern(triager, monkeypatch):
        before = answers(triager, texts)
    differ = [(t[:30], a, b) for t, a, b in zip(texts, now, before, strict=True) if a != b]
    assert not differ, f"{len(differ)} of {len(texts)} texts answered differently, first: {differ[0]}"


def test_the_first_thousand_corpus_texts_get_the_same_answers(triager, corpus, monkeypatch):
    same_answers(triager, monkeypatch, [r["text"] for r in corpus[:1000]] + HAND_MADE)


@pytest.mark.slow
def test_every_corpus_and_pool_text_gets_the_same_answer(triager, corpus, monkeypatch):
    texts = [r["text"] for r in corpus]
    if POOL.exists():  # the real unlabeled texts, beside the repository where they are shared
        texts += [json.loads(line)["text"] for line in POOL.read_text(encoding="utf-8").splitlines()]
    same_answers(triager, monkeypatch, texts)


def test_quotes_are_traced_as_before(corpus):
    for text in [r["text"] for r in corpus[:2000]] + HAND_MADE:
        now, before = traced(text), trace(text)
        assert (now.text, now.origin) == (before.text, before.origin), text[:30]

"""Spelling folds and the caller's own words behind the normalised text."""

import pytest

from triage.errors import LexiconError
from triage.text.normalize import normalize, trace
from triage.text.spelling import Spelling


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("楼道里有煤汽味", "楼道里有煤气味"),
        ("然气公司电话打不通", "燃气公司电话打不通"),
        ("天燃气管道", "天然气管道"),
        ("马路上井羔没了", "马路上井盖没了"),
        ("下水到堵了", "下水道堵了"),
        ("煤 气 味 很 大", "煤气味很大"),
        ("樓道裡有煤汽味", "楼道里有煤气味"),
    ],
)
def test_typos_spaces_and_traditional_characters_are_folded(written, read):
    assert normalize(written) == read


def test_words_that_only_look_like_typos_stay():
    assert normalize("天然气公司说自然气候影响施工") == "天然气公司说自然气候影响施工"
    assert normalize("A3区 B栋 2单元") == "A3区 B栋 2单元"  # spaces beside Latin letters and digits stay


def test_the_trace_quotes_the_callers_own_words():
    traced = trace("樓道裡有煤汽味，１２３號　樓")
    assert traced.text == normalize("樓道裡有煤汽味，１２３號　樓")
    at = traced.text.index("煤气味")
    assert traced.quote(at, at + 3) == "煤汽味"
    spaced = trace("煤 气 味 很 大")
    assert spaced.quote(0, 3) == "煤 气 味"


def test_a_fix_whose_right_form_matches_its_wrong_one_is_refused(tmp_path):
    path = tmp_path / "spelling.yaml"
    path.write_text("fixes:\n  \"re:气\": 燃气\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="matches the wrong one") as info:
        Spelling.load(path)
    assert str(info.value).startswith(str(path))


def test_the_trace_gives_the_normalised_text_of_every_corpus_text(corpus):
    texts = [r["text"] for r in corpus[::7]] + ["煤 气 味", "樓道裡　有煤汽味\x00", "  A3区 B栋  "]
    assert [trace(t).text for t in texts] == [normalize(t) for t in texts]


def test_a_spelling_table_from_a_pickle_folds_without_carrying_its_automaton():
    import pickle

    table = Spelling.load()
    table.fold("煤汽")  # builds the automaton
    state = pickle.dumps(table)
    assert b"ahocorasick" not in state  # a model's pickle holds the table only, as before
    assert pickle.loads(state).fold("楼道里有煤汽味") == "楼道里有煤气味"

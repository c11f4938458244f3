import pickle

import pytest

from triage.errors import LexiconError
from triage.text.normalize import normalize
from triage.text.tokenize import JiebaTokenizer, read_userdict


def test_domain_words_stay_whole():
    tokens = JiebaTokenizer()("小区化粪池满了，二次供水一户一表改造，消防通道被占")
    for word in ("化粪池", "二次供水", "一户一表", "消防通道"):
        assert word in tokens


def test_digits_fold_and_punctuation_goes():
    assert JiebaTokenizer()("18号楼，3号楼！") == ["0", "号楼", "0", "号楼"]


def test_tokenizer_pickles_without_its_dictionary():
    tokenizer = JiebaTokenizer()
    tokenizer("先加载词典")
    blob = pickle.dumps(tokenizer)
    assert len(blob) < 200
    assert pickle.loads(blob)("路灯不亮") == tokenizer("路灯不亮")


@pytest.mark.slow  # tokenises the whole corpus twice
def test_rjieba_gives_jieba_tokens_on_the_whole_corpus(corpus):
    fast, reference = JiebaTokenizer("rjieba"), JiebaTokenizer("jieba")
    texts = [normalize(r["text"]) for r in corpus]
    differing = [t for t in texts if fast(t) != reference(t)]
    assert differing == []


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="unknown tokenizer engine 'hanlp'"):
        JiebaTokenizer("hanlp")("text")


def test_a_bad_user_dictionary_line_names_file_and_line(tmp_path):
    path = tmp_path / "dict.txt"
    path.write_text("化粪池 3000 n\n窨井盖 many n\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"dict.txt:2: expected 'word frequency tag'"):
        read_userdict(path)


def test_token_filtering_equals_one_regex_pass_over_the_joined_tokens(corpus):
    """The per-token shortcut (letters kept, digit runs folded) equals the plain regex definition."""
    import re

    tokenizer = JiebaTokenizer()
    texts = [normalize(row["text"]) for row in corpus[:500]]
    texts += ["a_b 12_34 ①② x²³ ١٢٣ 五六 Ⅻ 3号楼 abc123def _ __ -- 16-21", "２０１９年ＡＢＣ，ⅩⅡ号", "纯文字没有数字"]
    for text in texts:
        joined = "\x00".join(tokenizer.raw(text))
        assert tokenizer(text) == re.findall(r"[^\W_]+", re.sub(r"\d+", "0", joined)), text

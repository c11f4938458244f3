from triage import normalize


def test_full_width_becomes_half_width():
    assert normalize("ＡＢＣ１２３，") == "ABC123,"


def test_traditional_becomes_simplified():
    assert normalize("樓道裡有煤氣味，趕緊派人來") == "楼道里有煤气味,赶紧派人来"


def test_control_characters_and_whitespace_runs():
    assert normalize("  小区\x00停水\u200b了\n\n\t三天 ABC  D ") == "小区停水了三天 ABC D"


def test_empty_stays_empty():
    assert normalize(" \n\t ") == ""


def test_the_nfkc_shortcut_equals_unicodedata():
    import unicodedata

    from triage.text.normalize import nfkc

    samples = ["小区停水了，已经三天：没人管！（急）？；", "ＡＢＣ１２３，", "①号楼㎡…", "e\u0301，café", "ﬁ，ｶﾞ",
               "，" * 3, "", "plain ascii", "\u3000全角空格，", "한국어，"]
    samples += [chr(c) + "，" + chr(c) for c in [*range(0x20, 0xD800, 7), *range(0xE000, 0x10000, 5)]]
    for text in samples:
        assert nfkc(text) == unicodedata.normalize("NFKC", text), text

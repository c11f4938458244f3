"""Reading real exports: encodings, quoting, ragged rows, Excel; bad rows reported, never fatal."""

import json

import pytest
from openpyxl import Workbook

from triage.batch.encodings import chinese_share, csv_encoding
from triage.batch.io import count_records, detect_encoding, open_rows, read_records
from triage.errors import InputError


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def test_gbk_csv_is_detected(tmp_path):
    path = write(tmp_path / "gbk.csv", "id,留言详情\n1,小区停水三天了，老人没水喝，希望尽快解决\n", "gbk")
    assert detect_encoding(path) == "gb18030"
    [record] = read_records(path, text_column="留言详情")
    assert record.text == "小区停水三天了，老人没水喝，希望尽快解决"


def test_utf8_with_bom_and_crlf(tmp_path):
    path = write(tmp_path / "bom.csv", "\ufeffid,text\r\n1,路灯不亮\r\n2,井盖丢了\r\n")
    assert [r.row["id"] for r in read_records(path)] == ["1", "2"]


def test_quoted_newlines_stay_in_one_field(tmp_path):
    path = write(tmp_path / "q.csv", 'id,text\n1,"第一行\n第二行"\n2,下一条\n')
    records = list(read_records(path))
    assert records[0].text == "第一行\n第二行"
    assert records[1].line == 4


def test_ragged_and_empty_rows_come_back_with_a_reason(tmp_path):
    path = write(tmp_path / "r.csv", "id,text\n1,好的文本\n2\n3,\n4,另一条,多余\n")
    problems = [(r.line, r.problem) for r in read_records(path) if r.problem]
    assert problems == [(3, "1 fields where the header has 2"), (4, "empty text"),
                        (5, "3 fields where the header has 2")]


def test_two_columns_are_joined(tmp_path):
    path = write(tmp_path / "two.csv", "留言主题,留言详情\n路灯不亮,建设路一段全黑\n")
    [record] = read_records(path, text_column="留言主题,留言详情")
    assert record.text == "路灯不亮 建设路一段全黑"


def test_a_missing_column_names_the_columns(tmp_path):
    path = write(tmp_path / "c.csv", "id,content\n1,x\n")
    with pytest.raises(InputError, match=r"no column 'text'; the columns are \['id', 'content'\]. Use --text-column."):
        list(read_records(path))


def test_jsonl_bad_lines_are_reported(tmp_path):
    path = write(tmp_path / "x.jsonl", '{"id": 1, "text": "停水"}\nnot json\n[1]\n{"id": 4, "text": 5}\n')
    records = list(read_records(path))
    assert [r.problem for r in records] == [None, "not JSON: Expecting value", "not a JSON object", None]
    assert records[3].text == "5"


def test_invalid_utf8_in_jsonl_is_one_bad_row(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"id": 1, "text": "ok"}\n{"id": 2, "text": "\xff\xfe"}\n')
    assert [r.problem for r in read_records(path)] == [None, "not valid utf-8-sig"]


def test_xlsx(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["编号", "内容"])
    sheet.append([101, "小区化粪池满了"])
    sheet.append([102, None])
    book.save(tmp_path / "x.xlsx")
    records = list(read_records(tmp_path / "x.xlsx", text_column="内容"))
    assert [(r.row["编号"], r.text, r.problem) for r in records] == [(101, "小区化粪池满了", None),
                                                                    (102, None, "empty text")]


def test_an_unknown_format(tmp_path):
    with pytest.raises(InputError, match=r"the input file must be one of .jsonl, .csv, .xlsx, .parquet \(got '.txt'\)"):
        list(read_records(tmp_path / "a.txt"))


def test_records_keep_every_input_column(tmp_path):
    path = write(tmp_path / "k.jsonl", json.dumps({"id": "a", "text": "停水", "来源": "微信"}, ensure_ascii=False))
    [record] = read_records(path)
    assert record.row == {"id": "a", "text": "停水", "来源": "微信"}


def test_bom_crlf_and_a_quoted_crlf_inside_a_field(tmp_path):
    path = write(tmp_path / "e.csv", '\ufeff工单编号,留言详情\r\n1,"楼道灯坏了\r\n物业不管"\r\n2,井盖丢了\r\n')
    records = list(read_records(path, text_column="留言详情"))
    assert [(r.line, r.row["工单编号"], r.text) for r in records] == [(2, "1", "楼道灯坏了\r\n物业不管"),
                                                                     (4, "2", "井盖丢了")]


def test_gbk_with_crlf_and_ragged_rows(tmp_path):
    path = write(tmp_path / "g.csv", "编号,留言主题,留言详情\r\n1,停水,三天没水\r\n2,路灯\r\n3,,下水道堵了\r\n", "gbk")
    records = list(read_records(path, text_column="留言主题,留言详情"))
    assert [(r.line, r.text, r.problem) for r in records] == [
        (2, "停水 三天没水", None), (3, None, "2 fields where the header has 3"), (4, "下水道堵了", None)]


def test_parquet(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"工单编号": ["a", "b"], "留言详情": ["小区停水了", None]}), tmp_path / "p.parquet")
    records = list(read_records(tmp_path / "p.parquet", text_column="留言详情"))
    assert [(r.line, r.row["工单编号"], r.text, r.problem) for r in records] == [(1, "a", "小区停水了", None),
                                                                               (2, "b", None, "empty text")]


def test_raw_rows_decode_alike_in_another_process(tmp_path):
    """What `triage tag -j N` relies on: the reader ships raw rows, a worker process decodes them."""
    import pickle
    from concurrent.futures import ProcessPoolExecutor

    path = write(tmp_path / "w.csv", 'id,text\n1,"两行\n的文本"\n2\n3,井盖丢了\n')
    with open_rows(path) as (decoder, items):
        items = list(items)
    assert items == [(2, ["1", "两行\n的文本"]), (4, ["2"]), (5, ["3", "井盖丢了"])]
    with ProcessPoolExecutor(1) as pool:
        decoded = list(pool.map(pickle.loads(pickle.dumps(decoder)), items))
    assert decoded == list(read_records(path))
    assert decoded[1].problem == "1 fields where the header has 2"


def test_a_wrong_column_fails_on_opening_and_leaves_the_file_closed(tmp_path):
    path = write(tmp_path / "c.csv", "id,content\n1,x\n")
    with pytest.raises(InputError, match="no column 'text'"), open_rows(path):
        pass  # pragma: no cover (never entered)
    with open_rows(path, text_column="content") as (decoder, items):
        assert decoder.header == ("id", "content")
    with pytest.raises(ValueError, match="closed file"):
        next(items)


SHORT_GBK = "id,text\n1,小区停水了\n2,路灯不亮\n".encode("gbk")


def test_a_short_gbk_csv_is_read_as_gb18030_not_guessed(tmp_path):
    path = tmp_path / "short.csv"
    path.write_bytes(SHORT_GBK)  # a statistical guess reads these few characters as Korean cp949
    assert detect_encoding(path) == "gb18030"
    assert [r.text for r in read_records(path)] == ["小区停水了", "路灯不亮"]


def test_a_detected_encoding_that_reads_as_no_chinese_stops_and_names_the_option(tmp_path):
    path = tmp_path / "damaged.csv"
    path.write_bytes(SHORT_GBK + b"\xff\n")  # one stray byte: neither UTF-8 nor GB18030 reads it, a guess does
    assert detect_encoding(path) not in {"utf-8", "gb18030"}
    with pytest.raises(InputError, match=r"damaged.csv: read as \S+ \(detected\), most of its letters are not "
                                         r"Chinese characters \(0% are\); give the file's encoding with --encoding"):
        list(read_records(path))
    assert csv_encoding(path, "latin-1") == "latin-1"  # an encoding given is used as it is


def test_only_letters_outside_ascii_decide_whether_a_text_reads_as_chinese():
    assert chinese_share("id,text\n1,小区停水了，“急”！") == 1.0
    assert chinese_share("1,소구정수료") == 0.0
    assert chinese_share("Café crème 停水") == 0.5
    assert chinese_share("id,text\n1,ok\n") is None


def test_an_unknown_encoding_is_named(tmp_path):
    path = write(tmp_path / "u.csv", "id,text\n1,停水\n")
    with pytest.raises(InputError, match=r"u.csv: unknown encoding 'klingon'"):
        list(read_records(path, encoding="klingon"))


def test_a_bom_read_as_plain_utf8_is_not_part_of_the_first_column_name(tmp_path):
    path = write(tmp_path / "bom.csv", "\ufeffid,text\r\n1,路灯不亮\r\n")
    for encoding in (None, "utf-8"):
        with open_rows(path, encoding=encoding) as (decoder, items):
            assert decoder.header == ("id", "text")
            assert [decoder(item).row["id"] for item in items] == ["1"]


def test_the_row_count_for_progress_is_the_number_of_records_read(tmp_path):
    path = write(tmp_path / "blank.csv", 'id,text\n1,停水\n\n2,"两行\n文本"\n,\n3,井盖丢了\n')
    assert count_records(path) == len(list(read_records(path))) == 3

"""Batch tagging: worker processes change the speed, never the output."""

import codecs
import csv
import json

import pytest

from triage.batch.chunks import FORMULA_STARTS
from triage.batch.io import read_records
from triage.batch.report import read_tagged
from triage.batch.tagging import TaggingInterrupted, tag_file
from triage.errors import InputError

FORMULA = '=HYPERLINK("http://x.example/","点我")'


def write_export(path, corpus, n=1500, encoding="utf-8"):
    """An export of ``n`` rows: one in 97 with an empty text, one in 89 with a text a spreadsheet would run."""
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "留言详情", "来源"])
        for i in range(n):
            text = "" if i % 97 == 0 else corpus[i % len(corpus)]["text"]
            w.writerow([f"r{i}", FORMULA + text if i % 89 == 1 else text, "热线"])


def test_two_workers_write_exactly_what_one_writes(tmp_path, triager, corpus):
    source = tmp_path / "export.csv"
    write_export(source, corpus)
    one = tag_file(triager, source, tmp_path / "one.csv", text_column="留言详情", batch_size=128, jobs=1)
    two = tag_file(triager, source, tmp_path / "two.csv", text_column="留言详情", batch_size=128, jobs=2)
    assert (one.rows, one.tagged, one.errors) == (two.rows, two.tagged, two.errors) == (1500, 1484, 16)
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "two.csv").read_bytes()
    assert (tmp_path / "one.errors.jsonl").read_bytes() == (tmp_path / "two.errors.jsonl").read_bytes()


def test_progress_is_reported_per_chunk(tmp_path, triager, corpus):
    source = tmp_path / "export.csv"
    write_export(source, corpus, n=300)
    seen = []
    tag_file(triager, source, tmp_path / "o.jsonl", text_column="留言详情", batch_size=100, jobs=2,
             progress=seen.append)
    assert seen == [100, 100, 100]


class Interrupted(Exception):
    pass


def stop_after(chunks):
    seen = []

    def progress(n):
        seen.append(n)
        if len(seen) == chunks:
            raise Interrupted

    return progress


def interrupt(triager, source, output, chunks, **options):
    """Start tagging in chunks of 100 rows, checkpointing after each, and stop it after ``chunks`` of them."""
    with pytest.raises(Interrupted):
        tag_file(triager, source, output, text_column="留言详情", batch_size=100, checkpoint_every=0,
                 progress=stop_after(chunks), **options)


@pytest.mark.parametrize(("options", "encoding"), [({}, "utf-8"), ({"bom": False}, "utf-8"),
                                                   ({"neutralise": False}, "utf-8"), ({}, "gb18030"),
                                                   ({"encoding": "gb18030"}, "gb18030")])
def test_an_interrupted_run_resumes_to_the_same_bytes(tmp_path, triager, corpus, options, encoding):
    source = tmp_path / "export.csv"
    write_export(source, corpus, n=600, encoding=encoding)
    whole = tag_file(triager, source, tmp_path / "whole.csv", text_column="留言详情", batch_size=100, **options)
    interrupt(triager, source, tmp_path / "cut.csv", chunks=3, **options)
    assert json.loads((tmp_path / "cut.checkpoint.json").read_text())["rows_done"] == 300
    with open(tmp_path / "cut.csv", "ab") as f:
        f.write(b"rows written after the last checkpoint, when the run was killed")
    resumed = tag_file(triager, source, tmp_path / "cut.csv", text_column="留言详情", batch_size=100, resume=True,
                       **options)
    assert (resumed.rows, resumed.tagged, resumed.errors) == (whole.rows, whole.tagged, whole.errors) == (600, 593, 7)
    assert (resumed.rows_before, resumed.encoding) == (300, encoding)
    written = (tmp_path / "cut.csv").read_bytes()
    assert written == (tmp_path / "whole.csv").read_bytes()
    assert written.count(codecs.BOM_UTF8) == written.startswith(codecs.BOM_UTF8) == options.get("bom", True)
    risky = [row[1] for row in csv.reader(written.decode("utf-8-sig").splitlines()) if FORMULA in row[1]]
    assert len(risky) == 7 and {text.startswith("'") for text in risky} == {options.get("neutralise", True)}
    assert (tmp_path / "cut.errors.jsonl").read_bytes() == (tmp_path / "whole.errors.jsonl").read_bytes()
    assert not (tmp_path / "cut.checkpoint.json").exists()


def test_ctrl_c_saves_the_checkpoint_of_the_chunks_written_and_says_how_many(tmp_path, triager, corpus):
    source = tmp_path / "export.csv"
    write_export(source, corpus, n=600)
    tag_file(triager, source, tmp_path / "whole.csv", text_column="留言详情", batch_size=100)

    seen = []

    def ctrl_c_at_the_third_chunk(n):
        seen.append(n)
        if len(seen) == 3:
            raise KeyboardInterrupt

    with pytest.raises(TaggingInterrupted) as stopped:  # no checkpoint was due: the last one was at the start
        tag_file(triager, source, tmp_path / "cut.csv", text_column="留言详情", batch_size=100, checkpoint_every=3600,
                 progress=ctrl_c_at_the_third_chunk)
    assert (stopped.value.rows_done, stopped.value.output) == (300, tmp_path / "cut.csv")
    assert json.loads((tmp_path / "cut.checkpoint.json").read_text())["rows_done"] == 300
    resumed = tag_file(triager, source, tmp_path / "cut.csv", text_column="留言详情", batch_size=100, resume=True)
    assert (resumed.rows_before, resumed.rows) == (300, 600)
    assert (tmp_path / "cut.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()


def test_resume_refuses_another_input(tmp_path, triager, corpus):
    source = tmp_path / "export.csv"
    write_export(source, corpus, n=300)
    interrupt(triager, source, tmp_path / "o.jsonl", chunks=1)
    write_export(source, corpus, n=301)
    with pytest.raises(InputError, match=r"o.checkpoint.json: the checkpoint is for another input \(size was "):
        tag_file(triager, source, tmp_path / "o.jsonl", text_column="留言详情", resume=True)


def test_resume_refuses_other_options(tmp_path, triager, corpus):
    source = tmp_path / "export.csv"
    write_export(source, corpus, n=300)
    interrupt(triager, source, tmp_path / "o.jsonl", chunks=1)
    with pytest.raises(InputError, match="the checkpoint was written with text_column='留言详情', not '来源'"):
        tag_file(triager, source, tmp_path / "o.jsonl", text_column="来源", resume=True)


@pytest.mark.parametrize(("option", "before", "after"), [("bom", True, False), ("neutralise", True, False),
                                                       ("encoding", "'gb18030'", "'gbk'")])
def test_resume_refuses_another_bom_neutralising_or_encoding(tmp_path, triager, corpus, option, before, after):
    source = tmp_path / "export.csv"
    write_export(source, corpus, n=300, encoding="gb18030")
    interrupt(triager, source, tmp_path / "o.csv", chunks=1)
    with pytest.raises(InputError, match=f"the checkpoint was written with {option}={before}, not {after}; "):
        tag_file(triager, source, tmp_path / "o.csv", text_column="留言详情", resume=True,
                 **{option: after.strip("'") if option == "encoding" else after})


def test_resume_without_a_checkpoint(tmp_path, triager, corpus):
    source = tmp_path / "export.csv"
    write_export(source, corpus, n=10)
    with pytest.raises(InputError, match=r"o.checkpoint.json: no checkpoint to resume from \(the run finished"):
        tag_file(triager, source, tmp_path / "o.jsonl", text_column="留言详情", resume=True)


def test_a_wrong_text_column_stops_before_anything_is_written(tmp_path, triager, corpus):
    source = tmp_path / "export.csv"
    write_export(source, corpus, n=10)
    with pytest.raises(InputError, match="no column '内容'"):
        tag_file(triager, source, tmp_path / "o.csv", text_column="内容")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.csv"]


def test_one_text_that_normalises_to_nothing_is_one_bad_row(tmp_path, triager):
    source = tmp_path / "x.jsonl"
    source.write_text('{"id": "a", "text": "停水了"}\n{"id": "b", "text": "\\u0007"}\n'
                      '{"id": "c", "text": "路灯不亮"}\n', encoding="utf-8")
    summary = tag_file(triager, source, tmp_path / "o.jsonl")
    assert (summary.tagged, summary.errors) == (2, 1)
    assert json.loads((tmp_path / "o.errors.jsonl").read_text()) == {
        "line": 2, "reason": "no text left after normalisation", "id": "b"}


def test_a_messy_gbk_export_is_tagged_and_its_bad_rows_reported(tmp_path, triager):
    source = tmp_path / "export.csv"
    source.write_bytes(("编号,留言主题,留言详情\r\n"
                        '1,停水,"小区停水三天了，\r\n老人没水喝"\r\n'
                        "2,路灯\r\n"  # ragged
                        "3,,\r\n"  # empty
                        "4,,单元门口有很重的煤气味\r\n"
                        "5,停车,人行道上停满了车,多余\r\n").encode("gbk"))  # ragged
    summary = tag_file(triager, source, tmp_path / "o.jsonl", text_column="留言主题,留言详情", id_column="编号", jobs=2)
    assert (summary.rows, summary.tagged, summary.errors) == (5, 2, 3)
    rows = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["编号"], r["category"]) for r in rows] == [("1", "water"), ("4", "gas")]
    assert rows[1]["cues"] == ["煤气味"]  # the words behind the rules that fired
    errors = [json.loads(line) for line in (tmp_path / "o.errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert errors == [{"line": 4, "reason": "2 fields where the header has 3", "id": "2"},
                      {"line": 5, "reason": "empty text", "id": "3"},
                      {"line": 7, "reason": "4 fields where the header has 3", "id": "5"}]


def test_a_short_gbk_csv_is_tagged_as_the_chinese_it_is(tmp_path, triager):
    source = tmp_path / "short.csv"
    source.write_bytes("id,text\n1,小区停水了\n2,路灯不亮\n".encode("gbk"))
    summary = tag_file(triager, source, tmp_path / "o.jsonl")
    rows = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["text"], r["category"], r["route"]) for r in rows] == [
        ("小区停水了", "water", "water_utility"), ("路灯不亮", "lighting", "streetlight_authority")]
    assert summary.encoding == "gb18030"


def test_csv_output_starts_with_one_bom_and_reads_back_without_it(tmp_path, triager, corpus):
    source = tmp_path / "export.csv"
    write_export(source, corpus, n=300)
    tag_file(triager, source, tmp_path / "excel.csv", text_column="留言详情", batch_size=100, jobs=2)
    tag_file(triager, source, tmp_path / "plain.csv", text_column="留言详情", batch_size=100, bom=False)
    excel, plain = (tmp_path / "excel.csv").read_bytes(), (tmp_path / "plain.csv").read_bytes()
    assert excel == codecs.BOM_UTF8 + plain and plain.startswith(b"id,")
    assert next(read_tagged(tmp_path / "excel.csv"))["id"] == "r1"
    assert next(read_records(tmp_path / "excel.csv", text_column="留言详情")).row["id"] == "r1"
    tag_file(triager, source, tmp_path / "o.jsonl", text_column="留言详情")
    assert (tmp_path / "o.jsonl").read_bytes().startswith(b'{"id": "r1"')  # JSONL has no BOM


RISKY = [["=1+1", '=HYPERLINK("http://x.example/","点我")小区停水三天了', "@SUM(A1:A9)"],
         ["r2", "-路灯不亮好几天了", "\t=cmd|' /C calc'!A0"],
         ["r3", "+楼道里有很重的煤气味", "\r=1+1"],
         ["r4", "井盖丢了 =1+1", "热线"]]


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_cells_a_spreadsheet_would_run_are_neutralised_and_nothing_else_changes(tmp_path, triager):
    source = tmp_path / "risky.csv"
    with open(source, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["id", "text", "@来源"], *RISKY])
    tag_file(triager, source, tmp_path / "safe.csv", jobs=2)
    tag_file(triager, source, tmp_path / "raw.csv", neutralise=False)
    safe, raw = read_csv(tmp_path / "safe.csv"), read_csv(tmp_path / "raw.csv")
    assert [row[:3] for row in raw] == [["id", "text", "@来源"], *RISKY]  # as they were, for programs
    assert safe[0][:3] == ["id", "text", "'@来源"]
    assert [row[:3] for row in safe[1:]] == [
        ["'=1+1", "'=HYPERLINK(\"http://x.example/\",\"点我\")小区停水三天了", "'@SUM(A1:A9)"],
        ["r2", "'-路灯不亮好几天了", "'\t=cmd|' /C calc'!A0"], ["r3", "'+楼道里有很重的煤气味", "'\r=1+1"],
        ["r4", "井盖丢了 =1+1", "热线"]]
    for safe_row, raw_row in zip(safe, raw, strict=True):  # the labels are the same: the model read the original
        assert safe_row == ["'" + v if v[:1] in FORMULA_STARTS else v for v in raw_row]
    assert [r[3] for r in raw[1:]] == ["water", "lighting", "gas", "drainage"]


def test_jsonl_output_keeps_formula_like_text_as_it_is(tmp_path, triager):
    source = tmp_path / "risky.csv"
    with open(source, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["id", "text", "@来源"], *RISKY])
    tag_file(triager, source, tmp_path / "o.jsonl")
    rows = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [[r["id"], r["text"], r["@来源"]] for r in rows] == RISKY

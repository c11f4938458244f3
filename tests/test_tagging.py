"""Batch tagging: worker processes change the speed, never the output."""

import csv
import json

import pytest

from triage.errors import InputError
from triage.tagging import tag_file


def write_export(path, corpus, n=1500):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "留言详情", "来源"])
        for i in range(n):
            text = "" if i % 97 == 0 else corpus[i % len(corpus)]["text"]
            w.writerow([f"r{i}", text, "热线"])


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


def interrupt(triager, source, output, chunks):
    """Start tagging in chunks of 100 rows, checkpointing after each, and stop it after ``chunks`` of them."""
    with pytest.raises(Interrupted):
        tag_file(triager, source, output, text_column="留言详情", batch_size=100, checkpoint_every=0,
                 progress=stop_after(chunks))


def test_an_interrupted_run_resumes_to_the_same_bytes(tmp_path, triager, corpus):
    source = tmp_path / "export.csv"
    write_export(source, corpus, n=600)
    whole = tag_file(triager, source, tmp_path / "whole.csv", text_column="留言详情", batch_size=100)
    interrupt(triager, source, tmp_path / "cut.csv", chunks=3)
    assert json.loads((tmp_path / "cut.checkpoint.json").read_text())["rows_done"] == 300
    with open(tmp_path / "cut.csv", "ab") as f:
        f.write(b"rows written after the last checkpoint, when the run was killed")
    resumed = tag_file(triager, source, tmp_path / "cut.csv", text_column="留言详情", batch_size=100, resume=True)
    assert (resumed.rows, resumed.tagged, resumed.errors) == (whole.rows, whole.tagged, whole.errors) == (600, 593, 7)
    assert (tmp_path / "cut.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()
    assert (tmp_path / "cut.errors.jsonl").read_bytes() == (tmp_path / "whole.errors.jsonl").read_bytes()
    assert not (tmp_path / "cut.checkpoint.json").exists()


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

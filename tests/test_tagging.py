"""Batch tagging: worker processes change the speed, never the output."""

import csv

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

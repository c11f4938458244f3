"""The report: tables from literal rows, and one self-contained HTML file from a real tag run."""

import csv
import json
import re
from datetime import date

import pytest
from typer.testing import CliRunner

from service.cli import app
from triage.batch.report import (
    BAD_ROWS_LISTED,
    bad_reasons,
    crosstab,
    daily_register,
    parse_day,
    read_errors,
    read_tagged,
    review_shares,
    summarize,
    top_cues,
    weekly_summary,
)
from triage.batch.tagging import tag_file
from triage.errors import InputError


def row(category, urgency, route, review=False, cues=(), when="2026-11-20 08:00"):
    return {"category": category, "urgency": urgency, "route": route, "needs_review": review, "cues": list(cues),
            "来电时间": when}


ROWS = [
    row("water", "high", "water_utility", cues=["停水"], when="2026-11-20 08:00"),
    row("water", "high", "water_utility", cues=["停水", "老人"], when="2026-11-21 09:00"),
    row("gas", "emergency", "gas_utility", cues=["煤气味"], when="2026/11/23"),
    row("other", "normal", "manual", review=True, when="2026年11月23日"),
    row("water", "normal", "property", review=True, cues=["物业"], when="不详"),
]


def test_counts_by_category_urgency_and_route():
    s = summarize(ROWS)
    assert crosstab(s) == [("water", "high", "water_utility", 2), ("water", "normal", "property", 1),
                           ("gas", "emergency", "gas_utility", 1), ("other", "normal", "manual", 1)]
    assert s.count(category="water") == 3 and s.count(urgency="normal") == 2


def test_review_shares_per_category_and_overall():
    assert review_shares(summarize(ROWS)) == [("water", 3, 1, 1 / 3), ("gas", 1, 0, 0.0), ("other", 1, 1, 1.0),
                                              ("all", 5, 2, 0.4)]


def test_top_cue_words_count_rows_not_mentions():
    rows = [*ROWS, row("water", "high", "water_utility", cues=["老人", "老人"])]
    assert top_cues(summarize(rows), n=2) == {"water": [("停水", 2), ("老人", 2)], "gas": [("煤气味", 1)]}


def test_days_in_the_usual_export_formats():
    assert [parse_day(r["来电时间"]) for r in ROWS] == [date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 23),
                                                       date(2026, 11, 23), None]
    assert parse_day("2026-02-30") is None


def test_the_daily_register_has_every_day_and_the_weeks_add_it_up():
    s = summarize(ROWS, date_column="来电时间")
    register = daily_register(s)
    assert [(r["day"].day, r["total"], r["water"], r["emergency"], r["review"]) for r in register] == [
        (20, 1, 1, 0, 0), (21, 1, 1, 0, 0), (22, 0, 0, 0, 0), (23, 2, 0, 1, 1)]
    assert s.undated == 1
    weeks = weekly_summary(s)
    assert [(w["week"], w["from"], w["total"], w["water"], w["high"], w["days"]) for w in weeks] == [
        ("2026-W47", date(2026, 11, 16), 2, 2, 2, 3), ("2026-W48", date(2026, 11, 23), 2, 0, 0, 1)]


def test_a_missing_date_column_is_named():
    with pytest.raises(InputError, match=r"no column '受理时间' in the tagged file; the columns are \['category'"):
        summarize(ROWS, date_column="受理时间")


def test_a_file_that_is_not_a_tag_output(tmp_path):
    (tmp_path / "x.csv").write_text("id,text\n1,停水\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"row 1 has no category, urgency, route, needs_review; is it the output"):
        list(read_tagged(tmp_path / "x.csv"))


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_report_on_a_tagged_export(tmp_path, triager, corpus, suffix):
    source = tmp_path / "export.csv"
    with open(source, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["工单编号", "来电时间", "留言详情"])
        for i, r in enumerate(corpus[:300]):
            w.writerow([f"g{i}", f"2026-11-{1 + i % 20:02d} 08:00", r["text"]])
    tag_file(triager, source, tmp_path / f"tagged{suffix}", text_column="留言详情", id_column="工单编号")
    rows = list(read_tagged(tmp_path / f"tagged{suffix}"))
    assert len(rows) == 300 and isinstance(rows[0]["cues"], list) and isinstance(rows[0]["needs_review"], bool)

    result = CliRunner().invoke(app, ["report", str(tmp_path / f"tagged{suffix}"), "-o", str(tmp_path / "r.html"),
                                      "--date-column", "来电时间"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.strip() == f"report on 300 rows written to {tmp_path / 'r.html'}"
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    for heading in ("类别 × 紧急程度 × 责任主体", "转人工复核比例", "各类别高频线索词", "每日登记", "每周汇总"):
        assert f"、{heading}</h2>" in html, heading
    assert len(re.findall(r'src="data:image/png;base64,[A-Za-z0-9+/=]{1000,}"', html)) == 4
    assert "http" not in html.replace('lang=', '')  # nothing to fetch
    assert json.dumps("供水 (water)", ensure_ascii=False).strip('"') in html


def test_report_without_dates_has_no_daily_tables(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS), encoding="utf-8")
    result = CliRunner().invoke(app, ["report", str(path), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 0, result.stderr
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "每日登记" not in html and html.count("data:image/png") == 2


def test_rows_that_could_not_be_tagged_are_counted_by_reason():
    errors = [{"line": 2, "reason": "empty text", "id": "a"}, {"line": 5, "reason": "2 fields where the header has 3"},
              {"line": 9, "reason": "empty text", "id": "c"}]
    s = summarize(ROWS, errors=errors)
    assert (s.rows, s.bad) == (5, 3)
    assert bad_reasons(s) == [("empty text", 2), ("2 fields where the header has 3", 1)]
    assert s.bad_rows == errors
    many = summarize([], errors=({"line": n, "reason": "empty text"} for n in range(2, 252)))
    assert (many.bad, len(many.bad_rows)) == (250, BAD_ROWS_LISTED)


def test_an_errors_file_that_is_not_one_is_named(tmp_path):
    (tmp_path / "e.jsonl").write_text('{"line": 2, "reason": "empty text"}\n{"id": "x"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"e.jsonl: line 2 has no line and reason; is it the errors file of triage"):
        list(read_errors(tmp_path / "e.jsonl"))


def test_the_report_counts_and_lists_the_rows_tag_could_not_tag(tmp_path, triager):
    source = tmp_path / "export.csv"
    with open(source, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["工单编号", "留言详情"], ["g1", "小区停水三天了"], ["g2", ""], ["g3", "路灯不亮"],
                                 ["g4", "   "], ["g5"]])
    tag_file(triager, source, tmp_path / "tagged.csv", text_column="留言详情", id_column="工单编号")
    result = CliRunner().invoke(app, ["report", str(tmp_path / "tagged.csv"), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.strip() == (f"report on 2 rows written to {tmp_path / 'r.html'}; it lists 3 rows that could "
                                     f"not be tagged, from {tmp_path / 'tagged.errors.jsonl'}")
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "工单总数：5，其中已分类 2，未能分类 3</p>" in html
    assert "<h2>五、未能分类的工单</h2>" in html
    assert "<tr><td>empty text</td><td>2</td></tr><tr><td>1 fields where the header has 2</td><td>1</td></tr>" in html
    assert "<tr><td>3</td><td>g2</td><td>empty text</td></tr>" in html and "<td>g5</td>" in html

    (tmp_path / "elsewhere.jsonl").write_bytes((tmp_path / "tagged.errors.jsonl").read_bytes())
    (tmp_path / "tagged.errors.jsonl").unlink()
    result = CliRunner().invoke(app, ["report", str(tmp_path / "tagged.csv"), "-o", str(tmp_path / "r.html"),
                                      "--errors", str(tmp_path / "elsewhere.jsonl")])
    assert "it lists 3 rows that could not be tagged, from" in result.stderr

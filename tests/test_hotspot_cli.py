"""``triage report hotspots`` prints the store's hot spots; ``triage report FILE`` still reads a tagged file."""

from __future__ import annotations

import json
from datetime import timedelta

from test_incident_store import BURST, answer
from typer.testing import CliRunner

from service.cli import app
from service.store import Store
from service.store.tables import utcnow

runner = CliRunner()


def test_hotspots_print_place_by_category_with_the_change(tmp_path):
    url = f"sqlite:///{tmp_path / 'triage.db'}"
    store = Store.open(url)
    now = utcnow()
    for i, text in enumerate(BURST["burst_pipe"][:4]):
        store.save_linked([{"id": f"p{i}", "text": text}], [answer()], received_at=now - timedelta(hours=i + 1))
    store.save_linked([{"id": "old", "text": BURST["burst_pipe"][5]}], [answer("lighting")],
                      received_at=now - timedelta(days=9))
    store.save_linked([{"id": "n", "text": "路灯不亮"}], [answer("lighting", place=None)],
                      received_at=now - timedelta(hours=1))
    store.close()
    result = runner.invoke(app, ["report", "hotspots", "--days", "7", "--database-url", url])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("hot spots, ") and lines[0].endswith("(7 days), beside the 7 days before")
    assert lines[1:] == [" count before  change  category  place",
                         "     4      0      +4  water     span:幸福里小区",
                         "1 tickets in the window named no place"]
    as_json = json.loads(runner.invoke(app, ["report", "hotspots", "--days", "14", "--json",
                                             "--database-url", url]).output)
    assert [(h["category"], h["count"]) for h in as_json["hotspots"]] == [("water", 4), ("lighting", 1)]


def test_a_window_outside_one_day_to_a_year_is_a_usage_error(tmp_path):
    result = runner.invoke(app, ["report", "hotspots", "--days", "0", "--database-url",
                                 f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code == 2
    assert not (tmp_path / "x.db").exists()


def test_report_with_a_file_and_report_tagged_with_it_are_one_command(tmp_path):
    tagged = tmp_path / "tagged.jsonl"
    tagged.write_text('{"category": "water", "urgency": "normal", "route": "water_utility", "needs_review": false}\n',
                      encoding="utf-8")
    one, two, three = (tmp_path / f"{n}.html" for n in ("one", "two", "three"))
    for args, out in ((["report", str(tagged), "-o", str(one)], one),
                      (["report", "tagged", str(tagged), "-o", str(two)], two),
                      (["report", "-o", str(three), str(tagged)], three)):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.output)
        assert out.exists() and f"report on 1 rows written to {out}" in result.output

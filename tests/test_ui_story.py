"""The ticket page's story and the overview through the test client: what the page offers comes from the
transition table, the directory, the incident and the ledger summary, never from a list of its own."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime

import pytest
from conftest import service_settings
from fastapi.testclient import TestClient
from lifecycle_helpers import FakeClock
from test_incident_api import BURST, PlacingTriager

from service.app import create_app
from service.overview import chart
from service.ticket_story import time_left
from triage.labels import CATEGORY_NAMES

SITE = "http://testserver"


@pytest.fixture
def ui(triager, tmp_path, small_models_dir):
    shutil.copytree(small_models_dir, tmp_path / "models")
    clock = FakeClock(datetime.now(UTC))
    app = create_app(service_settings(tmp_path, models_dir=tmp_path / "models", log_requests=False,
                                      model_poll_seconds=0, escalation_seconds=0),
                     triager=PlacingTriager(triager), clock=clock)
    store = app.state.service.store
    with TestClient(app, headers={"Origin": SITE}) as client:
        client.clock, client.life = clock, app.state.service.life
        client.post("/ui/login", data={"key": store.create_key("王芳", "staff")})
        yield client


def post(ui, text, ticket_id):
    r = ui.post("/v1/triage", json={"id": ticket_id, "text": text, "store": True})
    assert r.status_code == 200, r.text
    return r.json()


def offered(page: str) -> list[str]:
    return re.findall(r'<form class="life-action" data-action="(\w+)"', page)


def test_time_left_is_said_in_days_hours_and_minutes():
    assert time_left(2 * 86_400 + 3 * 3_600 + 59) == "剩余 2 天 3 小时"
    assert time_left(-(40 * 60 + 5)) == "已超时 40 分钟"
    assert time_left(3_600) == "剩余 1 小时" and time_left(20) == "剩余 不到 1 分钟" and time_left(None) == "—"


def test_a_chart_scales_its_bars_to_the_largest_value():
    counts = chart("state", "按状态", ["件数"], [("待派单", [4]), ("已派单", [1]), ("退回", [0])])
    assert [[b["w"] for b in r["bars"]] for r in counts["rows"]] == [[320], [80], [0]]
    figures = chart("m", "指标", ["F1", "准确率"], [("v1", [0.5, 1.0])], as_percent=True)
    assert [(b["w"], b["shown"]) for b in figures["rows"][0]["bars"]] == [(160, "50.0%"), (320, "100.0%")]


def test_the_ticket_page_offers_the_steps_the_table_allows_staff_and_shows_them_taken(ui):
    post(ui, "路灯不亮好几天了，晚上很黑", "L-1")
    machine = ui.life.machine
    staff = lambda state: [a for a in machine.allowed(state) if "staff" in machine.actions[a].by]  # noqa: E731
    page = ui.get("/ui/tickets/L-1").text
    assert offered(page) == staff("pending_dispatch") == ["dispatch"]
    for unit in ui.life.directory.units.values():
        assert f'<option value="{unit.code}">{unit.name}' in page
    version = int(re.search(r'id="life"[^>]*data-version="(\d+)"', page).group(1))
    r = ui.post("/v1/tickets/L-1/transitions", json={"action": "dispatch", "version": version, "unit": "SQ-XFL",
                                                     "note": "请尽快处理"})
    assert r.status_code == 200, r.text
    page = ui.get("/ui/tickets/L-1").text
    assert offered(page) == staff("dispatched") and "close" not in offered(page)
    steps = page[page.index('id="steps"'):]
    assert "派单" in steps and "待派单 → 已派单" in steps and "幸福里社区居委会" in steps and "请尽快处理" in steps
    assert 'data-version="1"' in page and "已超期" not in page
    ui.clock.advance(days=40)
    page = ui.get("/ui/tickets/L-1").text
    assert 'class="overdue-mark">已超期' in page and "已超时" in page


def test_closing_waits_for_a_measure_and_the_page_says_so(ui):
    post(ui, "路灯不亮好几天了，晚上很黑", "L-2")
    for version, action in enumerate(["dispatch", "accept"]):
        body = {"action": action, "version": version, **({"unit": "SQ-XFL"} if action == "dispatch" else {})}
        assert ui.post("/v1/tickets/L-2/transitions", json=body).status_code == 200
    form = lambda page: page[page.index('data-action="close"'):].split("</form>")[0]  # noqa: E731
    waiting = form(ui.get("/ui/tickets/L-2").text)
    assert "需先登记整改措施" in waiting and "disabled" in waiting
    assert ui.post("/v1/tickets/L-2/rectifications", json={"kind": "measure", "text": "已更换灯泡"}).status_code == 201
    page = ui.get("/ui/tickets/L-2").text
    assert "disabled" not in form(page) and "已更换灯泡" in page


def test_the_ticket_page_links_the_incidents_other_members_and_offers_a_split(ui):
    for i, text in enumerate(BURST["burst_pipe"][:3]):
        post(ui, text, f"pipe-{i}")
    page = ui.get("/ui/tickets/pipe-0").text
    members = page[page.index('id="incident"'):page.index('id="place"')]
    assert 'href="/ui/tickets/pipe-1"' in members and 'href="/ui/tickets/pipe-2"' in members
    assert 'href="/ui/tickets/pipe-0"' not in members and 'id="split"' in members and "现有 3 件" in members
    assert "<mark>幸福里小区</mark>" in page[page.index('id="place"'):]
    assert ui.post("/v1/tickets/pipe-2/split", json={"note": "隔壁楼"}).status_code == 201
    page = ui.get("/ui/tickets/pipe-0").text
    assert "现有 2 件" in page and "由 王芳 拆出（隔壁楼）" in page
    alone = ui.get("/ui/tickets/pipe-2").text
    assert "本工单单独成件" in alone and 'id="split"' not in alone


def test_the_overview_draws_the_same_summary_as_the_ledger_api(ui):
    for i, text in enumerate(["路灯不亮好几天了", "单元门口有很重的煤气味", "小区停车位被外人占了"]):
        post(ui, text, f"W-{i}")
    assert ui.post("/v1/tickets/W-0/transitions", json={"action": "dispatch", "version": 0,
                                                        "unit": "SQ-XFL"}).status_code == 200
    summary = ui.get("/v1/ledger/summary").json()
    page = ui.get("/ui/overview").text
    assert re.search(rf"<span>收到</span> <b>{summary['total']}</b>", page) and summary["total"] == 3
    week = page[page.index('id="week-category"'):page.index('id="week-state"')]
    for code, n in summary["by_category"].items():
        assert f"<tr><td>{CATEGORY_NAMES[code]}</td><td>{n}</td></tr>" in week
    states = page[page.index('id="week-state"'):page.index('id="week-overdue"')]
    assert "<tr><td>已派单</td><td>1</td></tr>" in states and "<tr><td>待派单</td><td>2</td></tr>" in states
    for key in ("overdue", "solved", "satisfaction", "model-heldout"):
        assert f'-{key}"' in page and "<svg" in page[page.index(f'-{key}"'):]
    assert 'id="model-figures"' in page and "small" in page and 'aria-current="page">概览' in page

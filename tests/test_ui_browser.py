"""The staff page end to end in a real headless browser (Debian's chromium, driven by Playwright).

A real uvicorn server on a free 127.0.0.1 port with a SQLite store in a temporary folder; the
browser logs in, corrects a ticket from the queue, and the correction is read back from the store.
Chromium must be installed (apt-get install chromium): without it this test fails, it is not skipped.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import httpx
import pytest
from browsers import threaded_server
from conftest import service_settings
from playwright.sync_api import Browser, Page, expect

from service.app import create_app
from triage.labels import CATEGORY_NAMES

TICKETS = {"B-1": "三号楼楼道里的水管爆了，水流得满地都是，楼里没有物业没人管。",
           "B-2": "小区地库车位被物业卖给外人，业主没地方停车。",
           "B-3": "<b>文化路</b>和农业路交叉口往北一段路灯全不亮，晚上很黑。"}

pytestmark = pytest.mark.slow  # end to end: real processes, servers or browsers


@pytest.fixture
def server(triager, tmp_path, small_models_dir) -> Iterator[tuple[str, object]]:
    """The service on a free port, in a thread; yields its address and its store."""
    shutil.copytree(small_models_dir, tmp_path / "models")
    app = create_app(service_settings(tmp_path, models_dir=tmp_path / "models", open_intake="never",
                                      log_requests=False, model_poll_seconds=0), triager=triager)
    with threaded_server(app) as base:
        yield base, app.state.service.store


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page with its own cookies."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1200, "height": 900})
    yield context.new_page()
    context.close()


def log_in(page: Page, base: str, key: str) -> None:
    page.goto(f"{base}/ui")
    expect(page).to_have_url(f"{base}/ui/login")
    page.fill("#key", key)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/ui")
    page.wait_for_load_state("load")


def test_a_staff_member_corrects_a_ticket_in_the_browser(server, page, tmp_path):
    base, store = server
    staff_key, intake_key = store.create_key("王芳", "staff"), store.create_key("接线员", "intake")
    predicted = {}
    for ticket_id, text in TICKETS.items():
        r = httpx.post(f"{base}/v1/triage", json={"id": ticket_id, "text": text, "store": True},
                       headers={"Authorization": f"Bearer {intake_key}"})
        assert r.status_code == 200, r.text
        predicted[ticket_id] = r.json()
    new = "drainage" if predicted["B-2"]["category"] != "drainage" else "other"

    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    log_in(page, base, staff_key)
    expect(page.locator("h1")).to_have_text("审核队列")
    expect(page.locator("li.ticket")).to_have_count(3)
    expect(page.locator('li.ticket[data-ticket="B-3"] .text')).to_contain_text("<b>文化路</b>")  # shown, not parsed

    item = page.locator('li.ticket[data-ticket="B-2"]')
    expect(item.locator(".text")).to_contain_text("车位被物业卖给外人")
    expect(item.locator("select[name=category]")).to_have_value(predicted["B-2"]["category"])
    shot = tmp_path / "queue.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000

    item.locator("select[name=category]").select_option(new)
    item.locator("input[name=note]").fill("地面积水，不是停车问题")
    item.get_by_role("button", name="提交更正").click()
    before = CATEGORY_NAMES[predicted["B-2"]["category"]]
    expect(page.locator("#flash")).to_contain_text(f"工单 B-2 已更正：类别：{before} → {CATEGORY_NAMES[new]}")
    expect(item).to_have_count(0)  # gone from the queue
    expect(page.locator("li.ticket")).to_have_count(2)
    assert errors == []

    ticket = store.ticket("B-2")
    [correction] = ticket["corrections"]
    assert correction["annotator"] == "王芳" and correction["note"] == "地面积水，不是停车问题"
    assert correction["changes"] == {"category": {"from": predicted["B-2"]["category"], "to": new}}
    assert ticket["labels"]["category"] == new
    assert "B-2" not in {t["id"] for t in store.review_queue()}


def test_a_colleagues_correction_made_meanwhile_is_shown_not_overwritten(server, page):
    base, store = server
    staff_key, intake_key = store.create_key("王芳", "staff"), store.create_key("接线员", "intake")
    r = httpx.post(f"{base}/v1/triage", json={"id": "C-1", "text": TICKETS["B-2"], "store": True},
                   headers={"Authorization": f"Bearer {intake_key}"})
    predicted = r.json()["category"]
    log_in(page, base, staff_key)
    item = page.locator('li.ticket[data-ticket="C-1"]')
    expect(item).to_have_count(1)
    store.add_correction("C-1", annotator="李明", category="other", note="同事先改了")  # after the page loaded

    mine = "drainage" if predicted != "drainage" else "water"
    item.locator("select[name=category]").select_option(mine)
    item.get_by_role("button", name="提交更正").click()
    expect(item.locator(".result")).to_contain_text(f"同事已更正此工单，现为 类别：{CATEGORY_NAMES['other']}")
    assert [c["annotator"] for c in store.ticket("C-1")["corrections"]] == ["李明"]  # nothing overwritten

    item.get_by_role("button", name="提交更正").click()  # knowing both, the reviewer keeps their choice
    expect(page.locator("#flash")).to_contain_text("工单 C-1 已更正")
    ticket = store.ticket("C-1")
    assert [c["annotator"] for c in ticket["corrections"]] == ["李明", "王芳"]
    assert ticket["corrections"][1]["changes"] == {"category": {"from": "other", "to": mine}}


def test_an_admin_activates_another_model_version_in_the_browser(server, page, tmp_path):
    base, store = server
    models = tmp_path / "models"
    shutil.copytree(models / "small", models / "small-b")
    log_in(page, base, store.create_key("李主任", "admin"))
    page.goto(f"{base}/ui/models")
    expect(page.locator('tbody[data-version="small"] .active-mark')).to_have_text("当前启用")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click('button[data-activate="small-b"]')
    expect(page.locator('tbody[data-version="small-b"] .active-mark')).to_have_text("当前启用")  # after the reload
    expect(page.locator('button[data-activate="small"]')).to_be_visible()
    assert (models / "ACTIVE").read_text().strip() == "small-b"

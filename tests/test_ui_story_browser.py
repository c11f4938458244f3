"""A ticket's story, the overview and the phone layout in a real headless browser, on SQLite and PostgreSQL.

Two staff members in two browser contexts work on one ticket: a correction and a lifecycle step made
by one while the other's page is open meet a stale write, shown side by side, kept either way.
Screenshots (full page, 375 and 1920 px wide) go to $TRIAGE_SCREENSHOTS or <repo>/var/screenshots/.
"""

from __future__ import annotations

import httpx
import pytest
from browsers import screenshot
from playwright.sync_api import expect
from staff_browser import UNLABELED

from triage.labels import CATEGORY_NAMES

pytestmark = pytest.mark.slow  # end to end: real servers and a browser

TEXT = "幸福里小区三号楼门口的路灯坏了好几天，晚上很黑，老人出门不方便。"


def store_ticket(base: str, store, ticket_id: str) -> dict:
    r = httpx.post(f"{base}/v1/triage", json={"id": ticket_id, "text": TEXT, "store": True},
                   headers={"Authorization": f"Bearer {store.create_key('接线员', 'intake')}"})
    assert r.status_code == 200, r.text
    return r.json()


def other(code: str, *avoid: str) -> str:
    return next(c for c in CATEGORY_NAMES if c != code and c not in avoid)


def test_a_correction_from_the_ticket_page_meets_a_colleagues_and_keeps_mine_or_theirs(server, staff_page):
    base, store = server
    predicted = store_ticket(base, store, "S-1")["category"]
    wang = staff_page(base, store.create_key("王芳", "staff"))
    li = staff_page(base, store.create_key("李明", "staff"))
    for page in (wang, li):
        page.goto(f"{base}/ui/tickets/S-1")
    expect(wang.locator("h1")).to_contain_text("工单 S-1")
    expect(wang.locator(".text")).to_contain_text("路灯坏了好几天")
    for part in ("#labels", "#life", "#incident", "#place", ".prediction"):
        expect(wang.locator(part).first).to_be_visible()
    expect(wang.locator("#steps-empty")).to_have_text("尚无处理步骤。")

    theirs, mine = other(predicted), other(predicted, other(predicted))
    li.select_option("#correct select[name=category]", theirs)
    li.click("#correct button[type=submit]")
    expect(li.locator("#history tbody tr")).to_have_count(1)  # saved, and the page reloaded with it

    wang.select_option("#correct select[name=category]", mine)
    wang.fill("#correct input[name=note]", "我认为是这一类")
    wang.click("#correct button[type=submit]")
    conflict = wang.locator("#correct-conflict")
    expect(conflict).to_be_visible()
    row = conflict.locator('tr[data-field="category"]')
    expect(row.locator(".theirs")).to_have_text(CATEGORY_NAMES[theirs])
    expect(row.locator(".mine")).to_have_text(CATEGORY_NAMES[mine])
    assert [c["annotator"] for c in store.ticket("S-1")["corrections"]] == ["李明"]  # nothing overwritten
    screenshot(wang, f"ticket-conflict-{store.engine.dialect.name}-1200")
    wang.get_by_role("button", name="保留我的").click()
    expect(wang.locator("#history tbody tr")).to_have_count(2)
    last = store.ticket("S-1")["corrections"][-1]
    assert last["annotator"] == "王芳" and last["changes"] == {"category": {"from": theirs, "to": mine}}

    li.select_option("#correct select[name=urgency]", "emergency")  # 李明's page still shows the first version
    li.click("#correct button[type=submit]")
    expect(li.locator('#correct-conflict tr[data-field="category"] .theirs')).to_have_text(CATEGORY_NAMES[mine])
    li.get_by_role("button", name="采用同事的").click()
    expect(li.locator("#history tbody tr")).to_have_count(2)
    expect(li.locator("#correct select[name=category]")).to_have_value(mine)
    assert len(store.ticket("S-1")["corrections"]) == 2  # keeping theirs wrote nothing


def test_a_lifecycle_step_from_the_ticket_page_grows_the_history_and_a_stale_one_is_a_choice(server, staff_page):
    base, store = server
    store_ticket(base, store, "S-2")
    wang = staff_page(base, store.create_key("王芳", "staff"))
    wang.goto(f"{base}/ui/tickets/S-2")
    dispatch = wang.locator('form.life-action[data-action="dispatch"]')
    dispatch.locator("select[name=unit]").select_option("SQ-XFL")
    dispatch.locator("input[name=note]").fill("请社区核实")
    dispatch.get_by_role("button", name="派单").click()
    steps = wang.locator("#steps tbody tr")
    expect(steps).to_have_count(1)
    expect(steps.first).to_contain_text("待派单 → 已派单")
    expect(steps.first).to_contain_text("幸福里社区居委会")
    expect(wang.locator('form.life-action[data-action="accept"]')).to_be_visible()

    li = staff_page(base, store.create_key("李明", "staff"))
    li.goto(f"{base}/ui/tickets/S-2")
    suspend = li.locator('form.life-action[data-action="suspend"]')
    suspend.locator("input[name=note]").fill("等待配件")
    suspend.get_by_role("button", name="挂起").click()
    expect(li.locator("#steps tbody tr")).to_have_count(2)

    redispatch = wang.locator('form.life-action[data-action="redispatch"]')  # 王芳's page still says 已派单
    redispatch.locator("select[name=unit]").select_option("SQ-HPL")
    redispatch.get_by_role("button", name="改派").click()
    conflict = wang.locator("#life-conflict")
    expect(conflict).to_be_visible()
    expect(conflict.locator(".theirs")).to_contain_text("挂起")
    expect(conflict.locator(".mine")).to_contain_text("改派 → 已派单，交 和平路社区居委会")
    assert store.life("S-2")["state"] == "suspended"  # nothing written
    wang.get_by_role("button", name="仍执行我的操作").click()
    expect(steps).to_have_count(3)
    expect(steps.last).to_contain_text("和平路社区居委会")
    assert [e["actor"] for e in store.life("S-2")["events"]] == ["王芳", "李明", "王芳"]
    screenshot(wang, f"ticket-{store.engine.dialect.name}-1200")


@pytest.mark.parametrize("width", [375, 1920])
def test_the_ticket_page_and_the_overview_fit_the_screen(server, browser, staff_page, width):
    base, store = server
    store_ticket(base, store, "S-3")
    page = staff_page(base, store.create_key("王芳", "staff"), width=width)
    visitor = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    visitor.goto(f"{base}/ui/login")
    assert visitor.evaluate("document.documentElement.scrollWidth") <= width
    assert visitor.evaluate(UNLABELED) == []
    visitor.context.close()
    for path, name in [("/ui/tickets/S-3", "ticket"), ("/ui/overview", "overview"), ("/ui/models", "models")]:
        page.goto(base + path)
        expect(page.locator("nav")).to_be_visible()
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{path} is {scroll} px wide at {width} px"
        for link in page.locator("nav a").all():  # the menu stays on screen, nothing cut off
            box = link.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, path
        assert page.evaluate(UNLABELED) == [], path
        assert screenshot(page, f"{name}-{store.engine.dialect.name}-{width}").stat().st_size > 10_000
    page.keyboard.press("Tab")  # the skip link, then the menu: the focused control is outlined
    page.keyboard.press("Tab")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") not in ("", "none")
    page.goto(f"{base}/ui/overview")
    for chart in ("week-category", "week-state", "week-overdue", "week-solved", "week-satisfaction",
                  "chart-model-heldout"):
        expect(page.locator(f"#{chart} svg")).to_be_visible()
    expect(page.locator("#week-figures")).to_contain_text("收到 1 件")

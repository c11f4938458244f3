"""A day's work in the queue in a real headless browser, on SQLite and PostgreSQL.

A reviewer filters and searches, bulk-confirms what the filter picks, clears fifty tickets from the
keyboard alone, and meets a colleague's correction (from a second browser context) one ticket at a time
and in bulk. Screenshots (full page, 375 and 1920 px wide) go to $TRIAGE_SCREENSHOTS or <repo>/var/screenshots/.
"""

from __future__ import annotations

import json
import re

import httpx
import pytest
from browsers import screenshot
from playwright.sync_api import Page, expect
from staff_browser import UNLABELED

from triage.labels import CATEGORIES, CATEGORY_NAMES

pytestmark = pytest.mark.slow  # end to end: real servers and a browser

TEXTS = ["三号楼楼道里的水管爆了，水流得满地都是", "小区门口的路灯坏了好几天，晚上很黑", "单元门口有很重的煤气味",
         "地库车位被外人占了，业主没地方停车", "雨水井堵了，下雨路面全是积水", "楼下饭店油烟太大，熏得没法开窗"]


def store_tickets(base: str, store, count: int, prefix: str = "Q") -> dict[str, dict]:
    """``count`` tickets (the texts above in turn) stored through the batch intake; their answers by id."""
    items = [{"id": f"{prefix}-{i:02d}", "text": f"{TEXTS[i % len(TEXTS)]}（第{i}号）"} for i in range(count)]
    r = httpx.post(f"{base}/v1/triage/batch", json={"items": items, "store": True}, timeout=60,
                   headers={"Authorization": f"Bearer {store.create_key('接线员', 'intake')}"})
    assert r.status_code == 200 and r.json()["failed"] == 0, r.text
    return {a["id"]: a for a in r.json()["results"]}


def shown_ids(page: Page) -> list[str]:
    return page.locator("#queue > li.ticket").evaluate_all("items => items.map(i => i.dataset.ticket)")


def test_a_reviewer_filters_searches_and_bulk_confirms_what_the_filter_picks(server, staff_page):
    base, store = server
    answers = store_tickets(base, store, 12)
    lighting = sorted(i for i, a in answers.items() if a["category"] == "lighting")
    assert lighting, "the small model should call the street-light texts lighting"
    page = staff_page(base, store.create_key("王芳", "staff"))
    expect(page.locator("#queue > li.ticket")).to_have_count(12)
    expect(page.locator("#filters select[name=category] option[value=lighting]")).to_have_text(
        f"{CATEGORY_NAMES['lighting']}（{len(lighting)}）")

    page.select_option("#filters select[name=category]", "lighting")
    page.get_by_role("button", name="筛选").click()
    expect(page).to_have_url(re.compile(r"category=lighting"))
    page.wait_for_load_state("load")
    expect(page.locator("#total")).to_have_text(str(len(lighting)))
    assert sorted(shown_ids(page)) == lighting
    shared = page.url
    page.goto(shared)  # the address keeps the view
    assert sorted(shown_ids(page)) == lighting

    page.keyboard.press("/")
    page.keyboard.type("路灯 第1")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"q=%E8%B7%AF%E7%81%AF"))
    page.wait_for_load_state("load")
    searched = [i for i in lighting if "第1" in f"（第{int(i[2:])}号）"]
    assert sorted(shown_ids(page)) == searched
    expect(page.locator("#queue mark").first).to_be_visible()  # the deciding words are highlighted

    page.goto(shared)
    page.get_by_role("button", name=re.compile("选中全部")).click()
    expect(page.locator("#selected")).to_have_text(f"已选 {len(lighting)} 件")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=re.compile("批量确认")).click()
    expect(page.locator("#bulk-result")).to_contain_text(f"确认 {len(lighting)} 件；更正 0 件")
    for ticket_id in lighting:
        [confirmation] = store.ticket(ticket_id)["corrections"]
        assert confirmation["annotator"] == "王芳"
        assert all(c["from"] == c["to"] for c in confirmation["changes"].values())
    page.goto(shared)
    expect(page.locator(".empty")).to_have_text("队列已清空，没有待审核的工单。")


def test_fifty_tickets_are_cleared_from_the_keyboard_alone(server, staff_page):
    base, store = server
    answers = store_tickets(base, store, 50)
    key = store.create_key("王芳", "staff")
    page = staff_page(base, key)
    expect(page.locator("#queue > li.ticket")).to_have_count(50)
    order = shown_ids(page)
    assert sorted(order) == sorted(answers)
    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()
    expect(page.locator("#help")).to_contain_text("下一件")
    page.keyboard.press("Escape")
    expect(page.locator("#help")).to_be_hidden()

    wanted = {}
    for n, ticket_id in enumerate(order):
        item = page.locator(f'li.ticket[data-ticket="{ticket_id}"]')
        expect(item).to_have_class(re.compile(r"\bcurrent\b"))
        if n % 5 == 1:  # a category from its digit, then an urgency: "u" and a digit
            category = CATEGORIES[(CATEGORIES.index(answers[ticket_id]["category"]) + 1) % len(CATEGORIES)]
            page.keyboard.press(str(CATEGORIES.index(category) + 1))
            page.keyboard.press("u")
            page.keyboard.press("1")
            wanted[ticket_id] = {"category": category, "urgency": "emergency"}
        elif n % 5 == 3:  # the route: "r" shows the numbered list, a digit picks one
            page.keyboard.press("r")
            expect(page.locator("#route-keys")).to_be_visible()
            page.keyboard.press("3")
            wanted[ticket_id] = {"route": "community"}
        if n == 2:  # look ahead and come back
            page.keyboard.press("j")
            page.keyboard.press("k")
            expect(item).to_have_class(re.compile(r"\bcurrent\b"))
        page.keyboard.press("Enter")
        expect(page.locator("#flash")).to_contain_text(f"工单 {ticket_id} ")
        if n == 1:  # undo the correction just made, then make it again
            page.keyboard.press("z")
            expect(page.locator("#flash")).to_contain_text(f"已撤销工单 {ticket_id} 的更正")
            expect(item.locator("select[name=category]")).to_have_value(answers[ticket_id]["category"])
            page.keyboard.press(str(CATEGORIES.index(wanted[ticket_id]["category"]) + 1))
            page.keyboard.press("u")
            page.keyboard.press("1")
            page.keyboard.press("Enter")
            expect(page.locator("#flash")).to_contain_text(f"工单 {ticket_id} 已更正")
    expect(page.locator("#queue > li.ticket")).to_have_count(0)

    export = httpx.get(f"{base}/v1/corrections/export", headers={"Authorization": f"Bearer {key}"})
    rows = {r["id"]: r for r in map(json.loads, export.text.splitlines())}
    assert sorted(rows) == sorted(answers)
    for ticket_id, answer in answers.items():
        assert rows[ticket_id]["annotator"] == "王芳"
        expected = {f: answer[f] for f in ("category", "urgency", "route")} | wanted.get(ticket_id, {})
        assert {f: rows[ticket_id][f] for f in expected} == expected, ticket_id
    assert len(store.ticket(order[1])["corrections"]) == 3  # the correction, its undoing, the correction again


def test_a_colleagues_correction_meets_the_keyboard_and_the_bulk_action(server, staff_page):
    base, store = server
    answers = store_tickets(base, store, 3, prefix="C")
    wang = staff_page(base, store.create_key("王芳", "staff"))
    li = staff_page(base, store.create_key("李明", "staff"))
    first, second, third = shown_ids(wang)
    theirs = next(c for c in CATEGORIES if c != answers[first]["category"])
    colleague = li.locator(f'li.ticket[data-ticket="{first}"]')
    colleague.locator("select[name=category]").select_option(theirs)
    colleague.get_by_role("button", name="提交更正").click()
    expect(li.locator("#flash")).to_contain_text(f"工单 {first} 已更正")

    mine = next(c for c in CATEGORIES if c not in (theirs, answers[first]["category"]))
    wang.keyboard.press(str(CATEGORIES.index(mine) + 1))  # 王芳's page still shows the prediction
    wang.keyboard.press("Enter")
    conflict = wang.locator(f'li.ticket[data-ticket="{first}"] .conflict')
    expect(conflict).to_be_visible()
    expect(conflict.locator('tr[data-field="category"] .theirs')).to_have_text(CATEGORY_NAMES[theirs])
    expect(conflict.locator('tr[data-field="category"] .mine')).to_have_text(CATEGORY_NAMES[mine])
    assert [c["annotator"] for c in store.ticket(first)["corrections"]] == ["李明"]  # nothing overwritten
    screenshot(wang, f"queue-conflict-{store.engine.dialect.name}-1200")
    wang.keyboard.press("Enter")  # the focus is on "keep mine"
    expect(wang.locator("#flash")).to_contain_text(f"工单 {first} 已更正")
    assert [c["annotator"] for c in store.ticket(first)["corrections"]] == ["李明", "王芳"]
    assert store.ticket(first)["labels"]["category"] == mine

    for ticket_id in (second, third):
        wang.locator(f'input.pick[data-ticket="{ticket_id}"]').check()
    expect(wang.locator("#selected")).to_have_text("已选 2 件")
    store.add_correction(third, annotator="李明", urgency="emergency", note="同事先改了")  # after the page loaded
    wang.select_option("#bulk-route", "manual")
    wang.once("dialog", lambda dialog: dialog.accept())
    wang.get_by_role("button", name=re.compile("批量确认")).click()
    panel = wang.locator("#bulk-conflict")
    expect(panel).to_be_visible()
    expect(panel.locator("tbody tr")).to_have_count(1)
    expect(panel.locator("tbody tr td").first).to_have_text(third)
    assert not store.ticket(second)["corrections"]  # all or none: nothing written
    wang.get_by_role("button", name=re.compile("采用同事的，跳过")).click()
    expect(wang.locator("#bulk-result")).to_contain_text("更正 1 件")
    assert store.ticket(second)["labels"]["route"] == "manual"
    assert [c["annotator"] for c in store.ticket(third)["corrections"]] == ["李明"]


@pytest.mark.parametrize("width", [375, 1920])
def test_the_queue_fits_the_screen_with_every_control_named(server, staff_page, width):
    base, store = server
    store_tickets(base, store, 6)
    page = staff_page(base, store.create_key("王芳", "staff"), width=width)
    expect(page.locator("#queue > li.ticket")).to_have_count(6)
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"the queue is {scroll} px wide at {width} px"
    assert page.evaluate(UNLABELED) == []
    page.keyboard.press("Tab")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") not in ("", "none")
    assert screenshot(page, f"queue-{store.engine.dialect.name}-{width}").stat().st_size > 10_000
    page.keyboard.press("Escape")
    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()
    assert screenshot(page, f"queue-help-{store.engine.dialect.name}-{width}", full_page=False).stat().st_size > 10_000

"""The queue page /ui as the server renders it: the view kept in the address, facet counts, search,
alternatives to accept, paging, the shortcut help, and a clear message for a filter that is not valid."""

from __future__ import annotations

import re
import shutil
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import service_settings
from fastapi.testclient import TestClient
from starlette.datastructures import QueryParams

from service.app import create_app
from service.queue_page import SHORTCUTS, alternatives, read_filter
from triage.labels import CATEGORY_NAMES

TEXTS = {"P-1": "三号楼楼道里的水管爆了，水流得满地都是", "P-2": "小区门口的路灯坏了好几天，晚上很黑",
         "P-3": "文化路的路灯全不亮", "P-4": "地库车位被外人占了，业主没地方停车"}


@pytest.fixture
def ui(triager, tmp_path, small_models_dir):
    shutil.copytree(small_models_dir, tmp_path / "models")
    app = create_app(service_settings(tmp_path, models_dir=tmp_path / "models"), triager=triager)
    store = app.state.service.store
    with TestClient(app, headers={"Origin": "http://testserver"}) as client:
        r = client.post("/v1/triage/batch", json={"store": True, "items": [{"id": i, "text": t}
                                                                          for i, t in TEXTS.items()]})
        client.answers = {a["id"]: a for a in r.json()["results"]}
        client.post("/ui/login", data={"key": store.create_key("王芳", "staff")})
        yield client


def shown(page: str) -> list[str]:
    return re.findall(r'<li class="ticket" data-ticket="([^"]+)"', page)


def test_the_address_names_the_view_and_the_facets_count_what_each_choice_would_show(ui):
    lighting = sorted(i for i, a in ui.answers.items() if a["category"] == "lighting")
    page = ui.get("/ui", params={"category": "lighting"}).text
    assert sorted(shown(page)) == lighting
    assert f'<b id="total">{len(lighting)}</b>' in page
    assert f'<option value="lighting" selected>{CATEGORY_NAMES["lighting"]}（{len(lighting)}）</option>' in page
    water = sum(a["category"] == "water" for a in ui.answers.values())
    assert f'<option value="water" >{CATEGORY_NAMES["water"]}（{water}）</option>' in page  # with the others applied
    api = re.search(r'<a href="(/v1/queue\?[^"]+)">同一视图的 API', page).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(api).query)["category"] == ["lighting"]
    assert sorted(i["id"] for i in ui.get(api).json()["items"]) == lighting


def test_search_finds_chinese_words_and_marks_the_deciding_ones(ui):
    page = ui.get("/ui", params={"q": "路灯"}).text
    assert sorted(shown(page)) == ["P-2", "P-3"]
    assert sorted(shown(ui.get("/ui", params={"q": "路灯 文化路"}).text)) == ["P-3"]
    assert "<mark>" in page


def test_a_reviewed_ticket_leaves_the_default_view_and_stays_in_all_tickets(ui):
    ui.post("/v1/tickets/P-1/corrections", json={"category": "water"})
    assert "P-1" not in shown(ui.get("/ui").text)
    everything = ui.get("/ui", params={"reviewed": ""}).text
    assert "P-1" in shown(everything) and "已审核（王芳）" in everything


def test_pages_link_to_the_next_and_previous_with_the_same_filter(ui):
    first = ui.get("/ui", params={"limit": 3, "sort": "age"}).text
    assert shown(first) == ["P-1", "P-2", "P-3"]
    after = re.search(r'<a href="([^"]+)" rel="next">', first).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(after).query) == {"sort": ["age"], "reviewed": ["no"], "limit": ["3"], "offset": ["3"]}
    second = ui.get(after).text
    assert shown(second) == ["P-4"] and 'rel="prev"' in second and 'rel="next"' not in second


def test_a_filter_that_is_not_valid_is_a_message_naming_it(ui):
    for params, named in [({"sort": "colour"}, "sort"), ({"from": "yesterday"}, "from"), ({"limit": "0"}, "limit"),
                          ({"nonsense": "1"}, "nonsense")]:
        r = ui.get("/ui", params=params)
        assert r.status_code == 400 and "筛选条件有误" in r.text and named in r.text, params


def test_the_model_alternatives_leave_out_the_labels_in_force():
    item = {"labels": {"category": "water", "route": "property"},
            "prediction": {"explanation": {"category": {"top": [["water", 0.7], ["drainage", 0.2], ["other", 0.1]]},
                                           "route": {"learned_choice": {"property": 0.6, "community": 0.4}}}}}
    assert [(a["field"], a["value"], a["confidence"]) for a in alternatives(item)] == [
        ("route", "community", 0.4), ("category", "drainage", 0.2), ("category", "other", 0.1)]
    assert alternatives({**item, "prediction": {"explanation": None}}) == []


def test_the_page_lists_every_shortcut_and_defaults_to_what_is_not_reviewed(ui):
    page = ui.get("/ui").text
    for keys, what in SHORTCUTS:
        assert f"<kbd>{keys}</kbd></th><td>{what}</td>" in page
    assert read_filter(QueryParams("")).reviewed == "no"
    assert read_filter(QueryParams("reviewed=&category=gas&category=water")).category == ["gas", "water"]
    assert 'class="plain accept" data-field="category"' in page


def test_a_day_at_the_edge_of_the_calendar_is_refused_not_a_server_error(ui):
    for day in ("9999-12-31", "0001-01-01"):
        assert ui.get("/ui", params={"to": day}).status_code == 400
        assert ui.get("/v1/queue", params={"from": day}).status_code == 422

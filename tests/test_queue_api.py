"""The staff queue over HTTP: filters with facet counts, Chinese search over masked texts, sorting, bulk actions."""

from __future__ import annotations

import shutil

import pytest
from conftest import service_settings
from fastapi.testclient import TestClient

from service.app import create_app

TEXTS = {"Q-1": "幸福里小区三号楼楼道里的水管爆了，水流得满地都是，电话13812345678",
         "Q-2": "文化路和农业路交叉口往北一段路灯全不亮，晚上很黑",
         "Q-3": "小区地库车位被物业卖给外人，业主没地方停车",
         "Q-4": "家里闻到很浓的煤气味，是不是燃气管道漏气了",
         "Q-5": "雨后文化路积水很深，雨水井堵了，车都过不去"}


@pytest.fixture
def api(triager, tmp_path, small_models_dir, database_url):
    models = tmp_path / "models"
    shutil.copytree(small_models_dir, models)
    app = create_app(service_settings(tmp_path, open_intake="never", models_dir=models, database_url=database_url),
                     triager=triager)
    store = app.state.service.store
    keys = {role: store.create_key(f"{role}-user", role) for role in ("intake", "staff")}
    with TestClient(app) as client:
        client.headers_of = {role: {"Authorization": f"Bearer {key}"} for role, key in keys.items()}
        r = client.post("/v1/triage/batch", headers=client.headers_of["intake"], json={
            "store": True, "items": [{"id": i, "text": t, **({"channel": "app"} if i == "Q-2" else {})}
                                     for i, t in TEXTS.items()]})
        assert r.status_code == 200, r.text
        client.answers = {i: a for i, a in zip(TEXTS, r.json()["results"], strict=True)}
        yield client


def listed(api, **params) -> dict:
    r = api.get("/v1/queue", params=params, headers=api.headers_of["staff"])
    assert r.status_code == 200, r.text
    return r.json()


def test_the_queue_lists_every_ticket_with_counts_per_facet(api):
    page = listed(api)
    assert page["total"] == 5 and {item["id"] for item in page["items"]} == set(TEXTS)
    by_category: dict[str, int] = {}
    for answer in api.answers.values():
        by_category[answer["category"]] = by_category.get(answer["category"], 0) + 1
    assert page["counts"]["category"] == by_category
    assert page["counts"]["reviewed"] == {"no": 5} and page["counts"]["channel"] == {"": 4, "app": 1}


def test_a_filter_picks_tickets_and_each_facet_counts_with_the_other_filters(api):
    category = api.answers["Q-1"]["category"]
    page = listed(api, category=category)
    expected = {i for i, a in api.answers.items() if a["category"] == category}
    assert {item["id"] for item in page["items"]} == expected and page["total"] == len(expected)
    # the category facet still counts every category: choosing another would show those
    assert sum(page["counts"]["category"].values()) == 5
    assert sum(page["counts"]["urgency"].values()) == len(expected)
    assert listed(api, channel="app")["total"] == 1
    assert listed(api, category=category, channel="app")["total"] == int(api.answers["Q-2"]["category"] == category)


def test_search_finds_chinese_words_in_the_masked_text_but_not_phone_numbers(api):
    assert [item["id"] for item in listed(api, q="路灯")["items"]] == ["Q-2"]
    assert {item["id"] for item in listed(api, q="文化路")["items"]} == {"Q-2", "Q-5"}
    assert [item["id"] for item in listed(api, q="文化路 积水")["items"]] == ["Q-5"]  # every term must occur
    assert [item["id"] for item in listed(api, q="煤")["items"]] == ["Q-4"]  # a single character
    assert listed(api, q="灯路")["total"] == 0  # both characters are there, not in this order
    assert listed(api, q="13812345678")["total"] == 0  # masked before indexing
    assert [item["id"] for item in listed(api, q="[手机号]")["items"]] == ["Q-1"]


def test_sorting_by_urgency_puts_emergencies_first(api):
    order = [item["labels"]["urgency"] for item in listed(api, sort="urgency")["items"]]
    rank = {"emergency": 0, "high": 1, "normal": 2}
    assert order == sorted(order, key=rank.__getitem__)
    newest, oldest = listed(api, sort="newest")["items"], listed(api, sort="age")["items"]
    assert [i["id"] for i in newest] == [i["id"] for i in reversed(oldest)]


def test_a_bad_filter_is_a_clear_422(api):
    for params in ({"sort": "random"}, {"from": "yesterday"}, {"limit": 0}, {"colour": "red"}, {"q": "路" * 201}):
        r = api.get("/v1/queue", params=params, headers=api.headers_of["staff"])
        assert r.status_code == 422, params
    assert api.get("/v1/queue", headers=api.headers_of["intake"]).status_code == 403


def test_bulk_confirm_writes_one_audited_correction_per_ticket(api):
    items = [{"ticket_id": i, "version": "0"} for i in ("Q-1", "Q-2")] + [
        {"ticket_id": "Q-3", "version": "0", "category": "drainage"}]
    r = api.post("/v1/corrections/bulk", json={"items": items, "note": "批量"}, headers=api.headers_of["staff"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert [c["ticket_id"] for c in body["corrections"]] == ["Q-1", "Q-2", "Q-3"]
    assert all(c["annotator"] == "staff-user" and c["note"] == "批量" for c in body["corrections"])
    was = api.answers["Q-3"]["category"]
    assert body["summary"]["confirmed"] == 2 + (was == "drainage")
    if was != "drainage":
        assert body["summary"]["changes"] == {"category": {f"{was}→drainage": 1}}
    ticket = api.get("/v1/tickets/Q-3", headers=api.headers_of["staff"]).json()
    assert ticket["labels"]["category"] == "drainage" and len(ticket["corrections"]) == 1
    assert listed(api, reviewed="no")["total"] == 2 and listed(api, reviewed="yes")["total"] == 3


def test_a_stale_item_refuses_the_whole_bulk_action_with_409(api):
    first = api.post("/v1/tickets/Q-1/corrections", json={"urgency": "emergency"}, headers=api.headers_of["staff"])
    assert first.status_code == 201
    items = [{"ticket_id": "Q-1", "version": "0"}, {"ticket_id": "Q-2", "version": "0"}]
    r = api.post("/v1/corrections/bulk", json={"items": items}, headers=api.headers_of["staff"])
    assert r.status_code == 409 and r.json()["error"]["code"] == "stale_version"
    [conflict] = r.json()["current"]["conflicts"]
    assert conflict["ticket_id"] == "Q-1" and conflict["seen"] == "0" and conflict["version"] == first.json()["version"]
    assert conflict["labels"]["urgency"] == "emergency"
    assert api.get("/v1/tickets/Q-2", headers=api.headers_of["staff"]).json()["corrections"] == []  # nothing written


def test_bulk_refuses_unknown_tickets_duplicates_and_bad_codes(api):
    staff = api.headers_of["staff"]
    r = api.post("/v1/corrections/bulk", json={"items": [{"ticket_id": "nope", "version": "0"}]}, headers=staff)
    assert r.status_code == 404
    twice = [{"ticket_id": "Q-1", "version": "0"}] * 2
    assert api.post("/v1/corrections/bulk", json={"items": twice}, headers=staff).status_code == 422
    bad = [{"ticket_id": "Q-1", "version": "0", "category": "weather"}]
    assert api.post("/v1/corrections/bulk", json={"items": bad}, headers=staff).status_code == 422
    assert api.post("/v1/corrections/bulk", json={"items": []}, headers=staff).status_code == 422
    assert api.get("/v1/tickets/Q-1", headers=staff).json()["corrections"] == []

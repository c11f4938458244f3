"""Named routing over HTTP: the service names units from the store's directory and follows a new import."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import service_settings
from fastapi.testclient import TestClient

from service.app import create_app
from service.directory_watch import DirectoryWatcher
from service.store import Store
from triage.dispatch import load_directory


@pytest.fixture
def served(triager, tmp_path):
    """A service whose store holds the example directory; the watcher is checked by hand."""
    settings = service_settings(tmp_path, model_poll_seconds=0)
    store = Store.open(settings.database_url)
    store.import_directory(load_directory(), imported_by="test")
    app = create_app(settings, triager=triager, store=store)
    with TestClient(app) as client:
        yield app, client, store


def test_a_staff_compound_with_no_manager_goes_to_its_community_by_name(served):
    _, client, _ = served
    body = client.post("/v1/triage", json={"text": "农机厂家属院里的下水道堵了，污水横流"}).json()
    assert (body["route"], body["route_name"]) == ("community", "社区居委会")
    assert body["unit"] == {"code": "M03", "name": "河西社区居委会", "kind": "community"}
    assert body["place"]["compound"] == "C08" and body["place"]["span"] == "农机厂家属院"
    assert body["explanation"]["route"]["directory"]["version"] == "1"
    assert "农机厂家属院无物业、无主管单位" in body["unit_reason"]


def test_a_managed_estate_goes_to_its_property_company_by_name(served):
    _, client, _ = served
    body = client.post("/v1/triage", json={"text": "锦绣花园小区地库车位被物业卖给外人，业主没地方停车"}).json()
    assert (body["route"], body["unit"]["name"]) == ("property", "安居物业服务有限公司")


def test_a_stored_ticket_answers_a_retry_with_the_same_unit_and_staff_see_it(served):
    _, client, store = served
    sent = {"id": "A-7", "text": "锦绣花园小区楼道灯坏了一个月", "store": True}
    first, again = client.post("/v1/triage", json=sent).json(), client.post("/v1/triage", json=sent).json()
    assert first["unit"]["code"] == "P01" and again["unit"] == first["unit"] and again["place"] == first["place"]
    key = store.create_key("王芳", "staff")
    ticket = client.get("/v1/tickets/A-7", headers={"Authorization": f"Bearer {key}"}).json()
    [prediction] = ticket["predictions"]
    assert prediction["unit"] == first["unit"] and prediction["place"]["compound"] == "C01"


def test_a_batch_names_units_item_by_item_and_an_unknown_compound_none(served):
    _, client, _ = served
    items = [{"id": "1", "text": "锦绣花园小区楼道灯坏了一个月"}, {"id": "2", "text": "幸福里小区楼道灯坏了，物业不管"}]
    results = client.post("/v1/triage/batch", json={"items": items}).json()["results"]
    assert results[0]["unit"]["code"] == "P01"
    assert results[1]["unit"] is None and results[1]["unit_reason"].startswith("未识别出目录中的小区")


def test_a_new_import_is_served_after_the_watcher_sees_it(served):
    app, client, store = served
    moved = load_directory()
    moved.compounds["C01"] = replace(moved.compounds["C01"], manager="P02")
    store.import_directory(moved, imported_by="test")
    watcher = DirectoryWatcher(app, store, interval=1.0)
    assert watcher.check() and not watcher.check()  # swapped once, then nothing new
    body = client.post("/v1/triage", json={"text": "锦绣花园小区地库车位被物业卖给外人"}).json()
    assert body["unit"]["name"] == "恒信物业管理有限公司"
    assert body["explanation"]["route"]["directory"]["version"] == "2"


def test_without_a_directory_the_answer_says_none_is_loaded(triager, tmp_path):
    with TestClient(create_app(service_settings(tmp_path), triager=triager)) as client:
        body = client.post("/v1/triage", json={"text": "锦绣花园小区地库车位被物业卖给外人"}).json()
    assert body["route"] == "property" and body["unit"] is None and body["place"] is None
    assert body["unit_reason"] == "未加载派单目录"

"""The HTTP service: answers, the one error shape, limits, logs, metrics; never a 5xx."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime

import httpx
import pytest
from conftest import service_settings
from fastapi.testclient import TestClient

from service.app import create_app
from service.settings import Settings


@pytest.fixture(scope="module")
def app(triager, tmp_path_factory):
    return create_app(service_settings(tmp_path_factory.mktemp("db"), noop_route=True), triager=triager)


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app) as c:
        yield c


def assert_error(response, status: int, code: str, fields: list[str] | None = None) -> dict:
    """Every error has one shape: error.{status, code, message, message_zh, fields} and request_id."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "request_id"}
    error = body["error"]
    assert set(error) == {"status", "code", "message", "message_zh", "fields"}
    assert (error["status"], error["code"]) == (status, code)
    assert error["message"] and error["message_zh"]
    assert body["request_id"] == response.headers["x-request-id"]
    if fields is not None:
        assert error["fields"] == fields
    return error


def test_one_complaint(client, triager):
    body = {"text": "单元门口有很重的煤气味，赶紧派人来看看", "id": 42, "channel": "hotline"}
    r = client.post("/v1/triage", json=body)
    assert r.status_code == 200
    body = r.json()
    assert (body["id"], body["category"], body["urgency"], body["route"]) == ("42", "gas", "emergency", "gas_utility")
    assert body["route_name"] == "燃气企业"
    assert body["model_version"] == triager.version
    assert body["explanation"]["route"]["rules"] == ["R1-gas"]
    due = datetime.fromisoformat(body["deadline"])
    assert due.utcoffset().total_seconds() == 8 * 3600
    assert r.headers["x-request-id"]


def test_the_request_id_is_echoed(client):
    r = client.post("/v1/triage", json={"text": "路灯不亮"}, headers={"X-Request-ID": "intake-777"})
    assert r.headers["x-request-id"] == "intake-777"


def test_a_batch_keeps_order(client, triager):
    texts = ["小区停水两天了", "人行道上停满了车", "暖气不热", "化粪池满了往外冒"]
    r = client.post("/v1/triage/batch", json={"items": [{"id": f"k{i}", "text": t} for i, t in enumerate(texts)]})
    assert r.status_code == 200
    results = r.json()["results"]
    assert [x["id"] for x in results] == ["k0", "k1", "k2", "k3"]
    assert [x["category"] for x in results] == [t.category for t in triager.triage_many(texts)]


def test_the_model_lists_only_route_codes_an_answer_can_carry(client):
    from triage.labels import ROUTES

    labels = client.get("/v1/model").json()["labels"]
    assert labels["routes"] == list(ROUTES) and "manager" not in labels["routes"]
    assert "manager" in labels["route_head_classes"]


def test_unknown_fields_are_ignored(client):
    assert client.post("/v1/triage", json={"text": "路灯不亮", "colour": "red"}).status_code == 200


def test_health_model_and_metrics(client, triager):
    health = client.get("/v1/health").json()
    assert health["status"] == "ok" and health["model_version"] == triager.version
    assert client.get("/v1/model").json()["version"] == triager.version
    client.post("/v1/triage", json={"text": "井盖丢了"})
    metrics = client.get("/metrics").text
    assert 'triage_http_requests_total{method="POST",route="/v1/triage",status="200"}' in metrics
    assert "triage_http_request_duration_seconds_bucket" in metrics
    assert "triage_predictions_total{" in metrics
    assert f'triage_model_info{{version="{triager.version}"}} 1.0' in metrics


@pytest.mark.parametrize(("body", "fields"), [
    ({"text": ""}, ["text"]),
    ({"text": "   \n\t"}, ["text"]),
    ({"text": "\x00\x01"}, ["text"]),                 # empty once normalised
    ({"text": 12}, ["text"]),
    ({"text": ["停水"]}, ["text"]),
    ({}, ["text"]),
    ([], ["body"]),
    ({"items": []}, None),
    ({"items": "停水"}, ["items"]),
    ({"text": "停水", "store": 0}, ["store"]),          # flags are true or false, nothing coerced
    ({"text": "停水", "store": "yes"}, ["store"]),
])
def test_invalid_bodies_get_422_naming_the_field(client, body, fields):
    path = "/v1/triage/batch" if "items" in body else "/v1/triage"
    assert_error(client.post(path, json=body), 422, "validation_error", fields)


def test_the_empty_text_message_is_in_chinese_and_english(client):
    error = assert_error(client.post("/v1/triage", json={"text": " "}), 422, "validation_error")
    assert error["message"] == "text: text is empty"
    assert error["message_zh"] == "text：不能为空"


def test_malformed_json(client):
    r = client.post("/v1/triage", content='{"text": "停水"'.encode(), headers={"content-type": "application/json"})
    assert_error(r, 422, "validation_error")


def test_malformed_json_is_named_with_its_line_and_column(client):
    body = '{\n  "text": "停水"\n  "store": true\n}'.encode()
    r = client.post("/v1/triage", content=body, headers={"content-type": "application/json"})
    error = assert_error(r, 422, "validation_error", fields=["body"])
    assert error["message"].startswith("The body is not valid JSON:") and "line 3, column 3" in error["message"]
    assert "第 3 行第 3 列" in error["message_zh"]


def test_a_wrong_method_names_the_allowed_ones(client):
    r = client.get("/v1/triage")
    assert_error(r, 405, "method_not_allowed")
    assert r.headers["allow"] == "POST"


def test_invalid_utf8(client):
    r = client.post("/v1/triage", content=b'{"text": "\xff\xfe\xfd"}', headers={"content-type": "application/json"})
    assert_error(r, 422, "validation_error", ["body"])


def test_a_body_that_is_not_json(client):
    assert_error(client.post("/v1/triage", content="text=停水".encode(), headers={"content-type": "text/plain"}),
                 415, "unsupported_media_type")
    assert_error(client.post("/v1/triage", data={"text": "停水"}), 415, "unsupported_media_type")


def test_a_text_over_10000_characters(client):
    assert_error(client.post("/v1/triage", json={"text": "停" * 10_001}), 413, "too_large", ["text"])
    assert client.post("/v1/triage", json={"text": "停水" * 5_000}).status_code == 200


def test_a_batch_over_1000_items(client):
    items = [{"text": "停水"}] * 1_001
    assert_error(client.post("/v1/triage/batch", json={"items": items}), 413, "too_large", ["items"])


def test_a_long_text_inside_a_batch_is_named(client):
    r = client.post("/v1/triage/batch", json={"items": [{"text": "停水"}, {"text": "停" * 10_001}]})
    assert r.status_code == 200 and r.json()["failed"] == 1
    error = r.json()["results"][1]["error"]
    assert (error["status"], error["code"], error["fields"]) == (413, "too_large", ["items.1.text"])


def test_each_bad_item_of_a_batch_gets_its_own_error_and_the_others_are_answered(client, triager):
    items = [{"id": "a", "text": "小区停水两天了"}, {"id": "b", "text": ""}, {"id": 7, "text": 12},
             {"id": "d", "text": "\x00\x01"}, {"text": "路灯全不亮"}]
    r = client.post("/v1/triage/batch", json={"items": items})
    assert r.status_code == 200
    body = r.json()
    assert body["failed"] == 3
    a, b, c, d, e = body["results"]
    assert (a["id"], a["category"]) == ("a", triager.triage("小区停水两天了").category)
    assert (e["id"], e["category"]) == (None, triager.triage("路灯全不亮").category)
    assert b == {"id": "b", "error": {"status": 422, "code": "validation_error",
                                      "message": "items.1.text: text is empty",
                                      "message_zh": "items.1.text：不能为空", "fields": ["items.1.text"]}}
    assert (c["id"], c["error"]["fields"]) == ("7", ["items.2.text"])
    assert (d["id"], d["error"]["fields"]) == ("d", ["items.3.text"])


def test_an_item_that_is_not_an_object_is_a_malformed_batch(client):
    r = client.post("/v1/triage/batch", json={"items": [{"text": "停水"}, "停水"]})
    assert_error(r, 422, "validation_error")


def test_a_5_mb_body(client):
    body = json.dumps({"text": "停" * (5 << 20)}).encode()
    assert_error(client.post("/v1/triage", content=body, headers={"content-type": "application/json"}),
                 413, "too_large")


def test_a_body_over_the_byte_limit_is_refused_before_parsing(triager, tmp_path):
    small = create_app(service_settings(tmp_path, max_body_bytes=2048), triager=triager)
    with TestClient(small) as c:
        assert_error(c.post("/v1/triage", json={"text": "停" * 1000}), 413, "too_large")


def test_unknown_paths_and_methods_use_the_error_shape(client):
    assert_error(client.get("/v1/nowhere"), 404, "not_found")
    assert_error(client.get("/v1/triage"), 405, "method_not_allowed")


def test_one_log_line_per_request_with_the_text_masked(client, caplog):
    with caplog.at_level(logging.INFO, logger="triage.service.requests"):
        client.post("/v1/triage", json={"text": "我叫王建国，电话13812345678，楼道灯坏了"},
                    headers={"X-Request-ID": "log-check"})
    lines = [json.loads(r.getMessage()) for r in caplog.records if "log-check" in r.getMessage()]
    assert len(lines) == 1
    line = lines[0]
    assert (line["status"], line["path"], line["method"]) == (200, "/v1/triage", "POST")
    assert line["latency_ms"] > 0
    assert "13812345678" not in json.dumps(line, ensure_ascii=False)
    assert "王建国" not in json.dumps(line, ensure_ascii=False)
    assert "[手机号]" in line["text"]


def test_concurrent_requests_share_batches_and_get_their_own_answers(app, triager):
    texts = ["小区停水两天了", "人行道上停满了车", "暖气不热", "化粪池满了往外冒", "路灯全不亮"] * 12
    expected = [r.category for r in triager.triage_many(texts)]

    async def run() -> list[str]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            responses = await asyncio.gather(*(c.post("/v1/triage", json={"text": t}) for t in texts))
        return [r.json()["category"] for r in responses]

    assert asyncio.run(run()) == expected


def test_a_bad_text_in_a_shared_batch_fails_alone(app):
    async def run():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            return await asyncio.gather(c.post("/v1/triage", json={"text": "路灯不亮"}),
                                        c.post("/v1/triage", json={"text": "\x00"}),
                                        c.post("/v1/triage", json={"text": "停水了"}))

    ok1, bad, ok2 = asyncio.run(run())
    assert (ok1.status_code, bad.status_code, ok2.status_code) == (200, 422, 200)


def test_every_route_is_documented_with_a_description(client):
    spec = client.get("/openapi.json").json()
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            # FastAPI makes up a summary from the function's name; the description is the route's docstring
            assert len(operation.get("description", "").split()) >= 3, f"{method} {path}"
    assert client.get("/docs").status_code == 200


def test_settings_refuse_unsafe_values():
    with pytest.raises(ValueError, match="max_text_chars"):
        Settings(max_text_chars=0)
    with pytest.raises(ValueError, match="max_body_bytes"):
        Settings(max_body_bytes=1 << 30)
    with pytest.raises(ValueError, match="expected an IANA time zone"):
        Settings(timezone="Mars/Base")


def test_responses_match_the_documented_models(client):
    from service.schemas import TriageBatchPublic, TriagePublic

    one = client.post("/v1/triage", json={"text": "小区停水两天了", "id": "m-1"})
    assert TriagePublic.model_validate(one.json()).id == "m-1"
    batch = client.post("/v1/triage/batch", json={"items": [{"text": "路灯不亮"}]})
    assert TriageBatchPublic.model_validate(batch.json()).results[0].id is None
    assert one.headers["content-type"] == "application/json"

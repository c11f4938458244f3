"""The staff API: stored tickets, corrections with their history, the review queue, export, roles."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import service_settings
from fastapi.testclient import TestClient

from service.app import create_app

PHONE_TEXT = "我叫王建国，电话13812345678，小区路灯坏了一个月了"


@pytest.fixture
def api(triager, tmp_path, small_models_dir):
    models = tmp_path / "models"
    shutil.copytree(small_models_dir, models)
    app = create_app(service_settings(tmp_path, open_intake="never", models_dir=models), triager=triager)
    store = app.state.service.store
    keys = {role: store.create_key(f"{role}-user", role) for role in ("intake", "staff", "admin")}
    with TestClient(app) as client:
        client.keys = keys
        client.models = models
        yield client


def auth(api, role):
    return {"Authorization": f"Bearer {api.keys[role]}"}


def post_ticket(api, text, ticket_id=None):
    body = {"text": text, "store": True, **({"id": ticket_id} if ticket_id else {})}
    r = api.post("/v1/triage", json=body, headers=auth(api, "intake"))
    assert r.status_code == 200
    return r.json()


def test_a_ticket_id_names_one_complaint(api):
    first = post_ticket(api, "三号楼楼道水管爆了，水流得满地都是", "same-call")
    again = post_ticket(api, "三号楼楼道水管爆了，水流得满地都是", "same-call")  # a retry: the stored answer
    assert again == first
    assert len(api.get("/v1/tickets/same-call", headers=auth(api, "staff")).json()["predictions"]) == 1
    r = api.post("/v1/triage", json={"id": "same-call", "text": "路灯不亮", "store": True}, headers=auth(api, "intake"))
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"
    assert "same-call" in r.json()["error"]["message"] and r.json()["error"]["fields"] == ["id"]
    ticket = api.get("/v1/tickets/same-call", headers=auth(api, "staff")).json()
    assert ticket["text"] == "三号楼楼道水管爆了，水流得满地都是" and len(ticket["predictions"]) == 1
    batch = api.post("/v1/triage/batch", json={"store": True, "items": [
        {"id": "same-call", "text": "三号楼楼道水管爆了，水流得满地都是"}, {"id": "fresh-call", "text": "路灯不亮"}]},
        headers=auth(api, "intake"))
    assert batch.status_code == 200
    assert batch.json()["results"][0] == first


def test_a_stale_correction_gets_412_with_the_current_labels(api):
    post_ticket(api, "小区地库车位被物业卖给外人", "V-1")
    read = api.get("/v1/tickets/V-1", headers=auth(api, "staff"))
    etag = read.headers["etag"]
    assert etag == f'"{read.json()["version"]}"'
    ok = api.post("/v1/tickets/V-1/corrections", json={"urgency": "normal"},
                  headers={**auth(api, "staff"), "If-Match": etag})
    assert ok.status_code == 201 and ok.headers["etag"] != etag
    stale = api.post("/v1/tickets/V-1/corrections", json={"category": "other"},
                     headers={**auth(api, "staff"), "If-Match": etag})
    assert stale.status_code == 412 and stale.json()["error"]["code"] == "precondition_failed"
    assert stale.json()["current"] == {"version": ok.json()["version"], "labels": {**read.json()["labels"],
                                                                                  "urgency": "normal"}}
    assert stale.headers["etag"] == ok.headers["etag"]
    bad = api.post("/v1/tickets/V-1/corrections", json={"category": "other"},
                   headers={**auth(api, "staff"), "If-Match": "3"})
    assert bad.status_code == 400 and bad.json()["error"]["fields"] == ["If-Match"]
    anyway = api.post("/v1/tickets/V-1/corrections", json={"category": "other"}, headers=auth(api, "staff"))
    assert anyway.status_code == 201  # no If-Match: the client takes the risk, as before


def test_keys_and_roles(api):
    assert api.post("/v1/triage", json={"text": "路灯不亮"}).json()["error"]["code"] == "unauthorized"
    assert api.post("/v1/triage", json={"text": "路灯不亮"},
                    headers={"Authorization": "Bearer trg_wrong"}).status_code == 401
    assert api.get("/v1/review-queue", headers=auth(api, "intake")).json()["error"]["code"] == "forbidden"
    assert api.get("/v1/review-queue", headers=auth(api, "staff")).status_code == 200
    assert api.post("/v1/models/retrain", headers=auth(api, "staff")).status_code == 403
    assert api.post("/v1/triage", json={"text": "路灯不亮"}, headers=auth(api, "admin")).status_code == 200


def test_a_stored_ticket_is_corrected_and_keeps_its_history(api):
    answer = post_ticket(api, "小区里的路灯坏了好几天了", "A-1")
    assert answer["id"] == "A-1"
    r = api.post("/v1/tickets/A-1/corrections", json={"route": "community", "note": "无物业小区"},
                 headers=auth(api, "staff"))
    assert r.status_code == 201
    assert r.json()["changes"] == {"route": {"from": answer["route"], "to": "community"}}
    api.post("/v1/tickets/A-1/corrections", json={"urgency": "high"}, headers=auth(api, "admin"))

    ticket = api.get("/v1/tickets/A-1", headers=auth(api, "staff")).json()
    assert ticket["text"] == "小区里的路灯坏了好几天了"
    assert [p["category"] for p in ticket["predictions"]] == [answer["category"]]
    assert [c["annotator"] for c in ticket["corrections"]] == ["staff-user", "admin-user"]
    assert ticket["labels"] == {"category": answer["category"], "urgency": "high", "route": "community"}


def test_a_ticket_without_a_caller_id_gets_one(api):
    answer = post_ticket(api, "下水道堵了")
    assert len(answer["id"]) == 32
    assert api.get(f"/v1/tickets/{answer['id']}", headers=auth(api, "staff")).status_code == 200


def test_corrections_outside_the_label_codes_are_refused(api):
    post_ticket(api, "停车位被占了", "P-1")
    for body, field in [({"category": "heating"}, "category"), ({"urgency": "asap"}, "urgency"),
                        ({"route": "mayor"}, "route"), ({"note": "only a note"}, "category")]:
        r = api.post("/v1/tickets/P-1/corrections", json=body, headers=auth(api, "staff"))
        assert r.status_code == 422 and field in r.json()["error"]["fields"], body
    assert api.post("/v1/tickets/nope/corrections", json={"urgency": "high"},
                    headers=auth(api, "staff")).status_code == 404
    assert api.get("/v1/tickets/P-1", headers=auth(api, "staff")).json()["corrections"] == []


def weakest(answer):
    return min(answer["explanation"]["review"]["confidence"].values())


def test_the_queue_and_the_ticket_keep_the_flag_of_the_answer_sent(api):
    texts = ["路灯不亮", "水管爆了，到处是水", "邻居家装修太吵", "三号楼楼道水管爆了，楼里没有物业没人管",
             "小区门口乱停车"]
    sent = {f"Q-{i}": post_ticket(api, text, f"Q-{i}") for i, text in enumerate(texts)}
    assert any(a["needs_review"] for a in sent.values()) and not all(a["needs_review"] for a in sent.values())
    queue = api.get("/v1/review-queue?limit=10", headers=auth(api, "staff")).json()
    for item in queue:
        answer, stored = sent[item["id"]], item["prediction"]
        assert stored["needs_review"] == answer["needs_review"]
        assert stored["explanation"]["review"] == answer["explanation"]["review"]
        assert api.get(f"/v1/tickets/{item['id']}", headers=auth(api, "staff")).json()["predictions"][0][
            "needs_review"] == answer["needs_review"]
    order = [(not sent[i["id"]]["needs_review"], weakest(sent[i["id"]])) for i in queue]
    assert len(queue) == 5 and order == sorted(order)  # flagged first, the weakest field first


def test_review_queue_leaves_out_reviewed_tickets(api):
    for i, text in enumerate(["路灯不亮", "水管爆了，到处是水", "邻居家装修太吵"]):
        post_ticket(api, text, f"Q-{i}")
    queue = api.get("/v1/review-queue?limit=10", headers=auth(api, "staff")).json()
    assert len(queue) == 3
    api.post(f"/v1/tickets/{queue[0]['id']}/corrections", json={"category": "other"}, headers=auth(api, "staff"))
    assert queue[0]["id"] not in {i["id"] for i in api.get("/v1/review-queue", headers=auth(api, "staff")).json()}


def test_export_masks_personal_data_unless_an_admin_asks(api):
    post_ticket(api, PHONE_TEXT, "E-1")
    post_ticket(api, "没有更正的工单不导出", "E-2")
    api.post("/v1/tickets/E-1/corrections", json={"category": "lighting"}, headers=auth(api, "staff"))
    masked = api.get("/v1/corrections/export", headers=auth(api, "staff"))
    rows = [json.loads(line) for line in masked.text.splitlines()]
    assert [r["id"] for r in rows] == ["E-1"] and rows[0]["category"] == "lighting"
    sent = api.get("/v1/tickets/E-1", headers=auth(api, "staff")).json()["predictions"][0]
    assert {k: rows[0]["predicted"][k] for k in ("category", "urgency", "route", "needs_review")} == {
        k: sent[k] for k in ("category", "urgency", "route", "needs_review")}
    assert "13812345678" not in masked.text and "[手机号]" in rows[0]["text"]
    assert api.get("/v1/corrections/export?unmasked=true", headers=auth(api, "staff")).status_code == 403
    unmasked = api.get("/v1/corrections/export?unmasked=true", headers=auth(api, "admin"))
    assert "13812345678" in unmasked.text


def test_models_are_listed_and_an_admin_can_switch_back(api):
    shutil.copytree(api.models / "small", api.models / "small-b")
    listed = api.get("/v1/models", headers=auth(api, "staff")).json()
    assert [m["version"] for m in listed] == ["small-b", "small"] and listed[1]["active"]
    assert "heldout" in listed[1]["metrics"]
    assert api.post("/v1/models/small-b/activate", headers=auth(api, "staff")).status_code == 403
    r = api.post("/v1/models/small-b/activate", headers=auth(api, "admin"))
    assert r.status_code == 200 and r.json()["active"]
    assert (api.models / "ACTIVE").read_text().strip() == "small-b"
    assert api.post("/v1/models/nope/activate", headers=auth(api, "admin")).status_code == 404


def test_a_job_id_beyond_the_databases_integers_is_a_clear_error(api):
    r = api.get("/v1/models/jobs/9223372036854775808", headers=auth(api, "admin"))
    assert r.status_code == 422 and r.json()["error"]["fields"] == ["path.job_id"]


def test_a_version_with_a_damaged_meta_json_is_listed_as_damaged(api):
    shutil.copytree(api.models / "small", api.models / "small-c")
    (api.models / "small-c" / "meta.json").write_text('{"sha256": "x", "metrics": ', encoding="utf-8")
    r = api.get("/v1/models", headers=auth(api, "staff"))
    assert r.status_code == 200
    damaged, fine = r.json()
    assert damaged["version"] == "small-c" and "cannot read model metadata" in damaged["damaged"]
    assert fine["version"] == "small" and fine["damaged"] is None and fine["metrics"]


def test_a_damaged_version_is_not_activated(api):
    shutil.copytree(api.models / "small", api.models / "broken")
    model_file = next(p for p in (api.models / "broken").iterdir() if p.suffix == ".joblib")
    model_file.write_bytes(b"not a model")
    r = api.post("/v1/models/broken/activate", headers=auth(api, "admin"))
    assert r.status_code == 422
    assert (api.models / "ACTIVE").read_text().strip() == "small"


def test_store_all_keeps_every_ticket(triager, tmp_path):
    app = create_app(service_settings(tmp_path, store_all=True), triager=triager)
    with TestClient(app) as client:
        r = client.post("/v1/triage/batch", json={"items": [{"id": "B-1", "text": "井盖丢了"}, {"text": "停水了"}]})
    ids = [x["id"] for x in r.json()["results"]]
    assert ids[0] == "B-1" and ids[1]
    assert [t["id"] for t in app.state.service.store.review_queue()] != []


def test_a_database_outage_is_a_503_in_the_error_shape(triager, tmp_path):
    app = create_app(service_settings(tmp_path), triager=triager)
    with TestClient(app) as client:
        (tmp_path / "triage.db").unlink()
        (tmp_path / "triage.db").mkdir()  # the file is gone and cannot be made again
        app.state.service.store.engine.dispose()
        r = client.post("/v1/triage", json={"text": "停水了", "store": True})
        assert r.status_code == 503 and r.json()["error"]["code"] == "store_unavailable"
        assert client.post("/v1/triage", json={"text": "停水了"}).status_code == 200  # triage goes on


def test_a_correction_retried_with_its_idempotency_key_is_not_appended_twice(api):
    post_ticket(api, "小区地库车位被物业卖给外人", "I-1")
    headers = {**auth(api, "staff"), "Idempotency-Key": "c0ffee-1", "If-Match": '"0"'}
    first = api.post("/v1/tickets/I-1/corrections", json={"category": "other"}, headers=headers)
    again = api.post("/v1/tickets/I-1/corrections", json={"category": "other"}, headers=headers)  # the answer was lost
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["etag"] == first.headers["etag"]
    assert len(api.get("/v1/tickets/I-1", headers=auth(api, "staff")).json()["corrections"]) == 1
    other = api.post("/v1/tickets/I-1/corrections", json={"category": "water"}, headers=headers)
    assert other.status_code == 422 and other.json()["error"]["code"] == "idempotency_key_reused"
    assert other.json()["error"]["fields"] == ["Idempotency-Key"]
    without = {k: v for k, v in headers.items() if k != "Idempotency-Key"}  # at least once: a retry without a key
    assert api.post("/v1/tickets/I-1/corrections", json={"category": "other"}, headers=without).status_code == 412


def test_a_stored_triage_retried_with_its_idempotency_key_stores_one_ticket(api):
    headers = {**auth(api, "intake"), "Idempotency-Key": '"9b2f6d4e-5d7a-4d3e-9a52-1c0f8f6f2b11"'}
    body = {"text": "三号楼楼道水管爆了，水流得满地都是", "store": True}
    first = api.post("/v1/triage", json=body, headers=headers)
    again = api.post("/v1/triage", json=body, headers=headers)
    assert first.status_code == again.status_code == 200 and again.json() == first.json()
    assert len(api.get("/v1/review-queue", headers=auth(api, "staff")).json()) == 1
    other = api.post("/v1/triage", json={**body, "text": "路灯不亮"}, headers=headers)
    assert other.status_code == 422 and other.json()["error"]["fields"] == ["Idempotency-Key"]
    batch = {"items": [{"text": "路灯不亮"}, {"text": ""}, {"text": "井盖丢了"}], "store": True}
    headers["Idempotency-Key"] = "batch-1"
    answers = [api.post("/v1/triage/batch", json=batch, headers=headers).json() for _ in range(2)]
    assert answers[0] == answers[1] and answers[0]["failed"] == 1
    assert len(api.get("/v1/review-queue", headers=auth(api, "staff")).json()) == 3
    assert api.post("/v1/triage", json=body, headers=auth(api, "intake")).json()["id"] != first.json()["id"]


@pytest.mark.parametrize("key", ["", "é", "a b", "x" * 256, '"a'])
def test_a_malformed_idempotency_key_is_a_422_naming_it(api, key):
    r = api.post("/v1/triage", json={"text": "停水", "store": True},
                 headers={**auth(api, "intake"), "Idempotency-Key": key.encode()})
    assert r.status_code == 422 and r.json()["error"]["fields"] == ["Idempotency-Key"], r.text


def test_a_retraining_request_retried_with_its_idempotency_key_starts_one_job(triager, tmp_path, small_models_dir):
    shutil.copytree(small_models_dir, tmp_path / "models")
    (tmp_path / "no-corpus").mkdir()  # the job's process fails at once: this test is about starting it
    app = create_app(service_settings(tmp_path, open_intake="never", models_dir=tmp_path / "models",
                                      corpus_dir=tmp_path / "no-corpus", label_sets=[]), triager=triager)
    admin = {"Authorization": f"Bearer {app.state.service.store.create_key('李主任', 'admin')}",
             "Idempotency-Key": "retrain-2026-12-07"}
    with TestClient(app) as client:
        first, again = (client.post("/v1/models/retrain", headers=admin) for _ in range(2))
        assert first.status_code == again.status_code == 202 and again.json()["id"] == first.json()["id"]
        assert client.get(f"/v1/models/jobs/{first.json()['id'] + 1}", headers=admin).status_code == 404

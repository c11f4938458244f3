"""Incidents over HTTP, on SQLite and PostgreSQL: twenty calls about one burst pipe become one incident."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.settings import Settings

BURST = json.loads((Path(__file__).parent / "data" / "burst_pipe.json").read_text(encoding="utf-8"))
COMPOUNDS = ("幸福里小区", "阳光花园")


class PlacingTriager:
    """The shipped model, whose answers name the first of COMPOUNDS the text mentions, as a place."""

    def __init__(self, triager) -> None:
        self._triager = triager

    def __getattr__(self, name: str):
        return getattr(self._triager, name)

    def triage(self, text: str):
        return self.triage_many([text])[0]

    def with_directory(self, directory):
        return PlacingTriager(self._triager.with_directory(directory))

    def triage_many(self, texts):
        out = []
        for text, r in zip(texts, self._triager.triage_many(texts), strict=True):
            found = [(text.find(c), c) for c in COMPOUNDS if c in text]
            place = None
            if found:
                start, name = min(found)
                place = {"span": name, "start": start, "end": start + len(name), "kind": "compound",
                         "compound": None, "confidence": 0.9}
            out.append(replace(r, place=place))
        return out


@pytest.fixture
def api(triager, tmp_path, database_url):
    settings = Settings(database_url=database_url, open_intake="never", model_poll_seconds=0)
    app = create_app(settings, triager=PlacingTriager(triager))
    store = app.state.service.store
    keys = {role: store.create_key(f"{role}-user", role) for role in ("intake", "staff")}
    with TestClient(app) as client:
        client.keys = keys
        yield client


def auth(api, role):
    return {"Authorization": f"Bearer {api.keys[role]}"}


def post(api, text, ticket_id):
    r = api.post("/v1/triage", json={"id": ticket_id, "text": text, "store": True}, headers=auth(api, "intake"))
    assert r.status_code == 200, r.text
    return r.json()


def test_twenty_calls_about_one_burst_pipe_are_one_incident_and_other_problems_are_not(api):
    answers = [post(api, text, f"pipe-{i}") for i, text in enumerate(BURST["burst_pipe"])]
    incident = answers[0]["incident_id"]
    assert isinstance(incident, int) and [a["incident_id"] for a in answers] == [incident] * 20
    lamp, sewer = (post(api, text, f"other-{i}") for i, text in enumerate(BURST["other_problems"]))
    assert lamp["category"] == "lighting" and sewer["category"] == "drainage"
    assert len({incident, lamp["incident_id"], sewer["incident_id"]}) == 3
    listed = api.get("/v1/incidents", headers=auth(api, "staff"))
    assert listed.status_code == 200
    [one] = listed.json()
    assert (one["id"], one["members"], one["category"], one["place"]) == (incident, 20, "water", "span:幸福里小区")
    assert one["first_report_at"] <= one["last_report_at"] and one["open"] is True
    page = api.get(f"/v1/incidents/{incident}", headers=auth(api, "staff")).json()
    assert [t["ticket_id"] for t in page["tickets"]] == [f"pipe-{i}" for i in range(20)]
    batch = api.post("/v1/triage/batch", json={"store": True, "items": [
        {"id": "pipe-0", "text": BURST["burst_pipe"][0]}, {"id": "late", "text": "幸福里小区3号楼水管还在喷水"}]},
        headers=auth(api, "intake")).json()["results"]
    assert [r["incident_id"] for r in batch] == [incident, incident]
    unstored = api.post("/v1/triage", json={"text": BURST["burst_pipe"][0]}, headers=auth(api, "intake")).json()
    assert "incident_id" not in unstored


def test_staff_split_a_wrongly_merged_ticket_out_and_the_incident_shows_it(api):
    answers = [post(api, text, f"pipe-{i}") for i, text in enumerate(BURST["burst_pipe"][:4])]
    incident = answers[0]["incident_id"]
    r = api.post("/v1/tickets/pipe-2/split", json={"note": "是隔壁楼的事"}, headers=auth(api, "staff"))
    assert r.status_code == 201, r.text
    done = r.json()
    assert done["from_incident"] == incident and done["split_by"] == "staff-user" and done["note"] == "是隔壁楼的事"
    page = api.get(f"/v1/incidents/{incident}", headers=auth(api, "staff")).json()
    assert page["members"] == 3
    split = [t for t in page["tickets"] if t["ticket_id"] == "pipe-2"]
    assert split[0]["ended_by"] == "staff-user" and split[0]["note"] == "是隔壁楼的事"
    again = post(api, BURST["burst_pipe"][2], "pipe-2")  # its answer now names the incident it is in
    assert again["incident_id"] == done["incident_id"]
    alone = api.post("/v1/tickets/pipe-2/split", headers=auth(api, "staff"))
    assert alone.status_code == 409 and alone.json()["error"]["code"] == "conflict"
    assert api.post("/v1/tickets/nope/split", headers=auth(api, "staff")).status_code == 404
    assert api.get("/v1/incidents/99999", headers=auth(api, "staff")).status_code == 404


def test_hotspots_list_place_by_category_over_the_window(api):
    for i, text in enumerate(BURST["burst_pipe"][:3]):
        post(api, text, f"pipe-{i}")
    post(api, BURST["other_problems"][0], "lamp")
    post(api, "阳光花园门口车位被外来车辆占了", "car")
    r = api.get("/v1/hotspots?days=7", headers=auth(api, "staff"))
    assert r.status_code == 200
    rows = [(h["place"], h["category"], h["count"], h["change"]) for h in r.json()["hotspots"]]
    assert rows[0] == ("span:幸福里小区", "water", 3, 3)
    assert ("span:幸福里小区", "lighting", 1, 1) in rows and len(rows) == 3
    assert api.get("/v1/hotspots?days=0", headers=auth(api, "staff")).status_code == 422


def test_incidents_and_hotspots_are_for_staff(api):
    for path in ("/v1/incidents", "/v1/incidents/1", "/v1/hotspots"):
        assert api.get(path, headers=auth(api, "intake")).status_code == 403
        assert api.get(path).status_code == 401
    assert api.post("/v1/tickets/x/split", headers=auth(api, "intake")).status_code == 403

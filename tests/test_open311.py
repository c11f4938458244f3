"""Open311 GeoReport v2, driven by a small client written to the spec (form-encoded posts, api_key,
``.json`` resources, errors as a list of code and description)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from lifecycle_helpers import FakeClock, lifecycle_client, store_ticket


class GeoReportClient:
    """What a civic intake client does, from the spec alone: nothing of this service's own API."""

    def __init__(self, http, base: str, api_key: str) -> None:
        self.http, self.base, self.api_key = http, base.rstrip("/"), api_key

    def services(self):
        return self.http.get(f"{self.base}/services.json")

    def service(self, code: str):
        return self.http.get(f"{self.base}/services/{code}.json")

    def post_request(self, **fields):
        body = urlencode({"api_key": self.api_key, **fields})
        return self.http.post(f"{self.base}/requests.json", content=body,
                              headers={"Content-Type": "application/x-www-form-urlencoded"})

    def requests(self, **query):
        return self.http.get(f"{self.base}/requests.json", params={"api_key": self.api_key, **query})

    def request(self, service_request_id: str):
        return self.http.get(f"{self.base}/requests/{service_request_id}.json", params={"api_key": self.api_key})


def spec_error(response, status: int) -> str:
    assert response.status_code == status
    [error] = response.json()
    assert set(error) == {"code", "description"} and error["code"] == status
    return error["description"]


@pytest.fixture
def api(triager, tmp_path):
    with lifecycle_client(triager, tmp_path, FakeClock()) as client:
        yield client


def test_services_are_the_categories(api):
    found = GeoReportClient(api, "/open311/v2", "").services().json()
    assert [s["service_code"] for s in found] == ["water", "gas", "drainage", "parking", "lighting", "other"]
    assert {"service_name": "供水", "metadata": False, "type": "realtime"}.items() <= found[0].items()
    client = GeoReportClient(api, "/open311/v2", "")
    assert client.service("gas").json() == {"service_code": "gas", "attributes": []}
    assert "heating" in spec_error(client.service("heating"), 404)


def test_a_posted_request_is_triaged_stored_and_followed(api):
    client = GeoReportClient(api, "/open311/v2", api.key("intake")["Authorization"][7:])
    r = client.post_request(service_code="water", description="幸福里3号楼停水两天了，电话13812345678",
                            lat="39.9", long="116.4", address_string="幸福里3号楼")
    assert r.status_code == 201
    [made] = r.json()
    assert set(made) == {"service_request_id", "service_notice", "account_id"}
    [found] = client.request(made["service_request_id"]).json()
    assert (found["status"], found["service_code"], found["address"], found["lat"]) == ("open", "water", "幸福里3号楼",
                                                                                          39.9)
    assert "13812345678" not in found["description"] and found["status_notes"] == "待派单"
    staff = api.key("staff")
    life = api.get(f"/v1/tickets/{made['service_request_id']}/lifecycle", headers=staff).json()
    assert life["state"] == "pending_dispatch"
    assert [r["service_request_id"] for r in client.requests(status="open").json()] == [made["service_request_id"]]
    assert client.requests(status="closed").json() == []


def test_a_closed_ticket_is_a_closed_request(api):
    staff, unit = api.key("staff"), api.key("unit", "SQ-XFL")
    ticket = store_ticket(api)
    for body in ({"action": "dispatch", "version": 0, "unit": "SQ-XFL"}, {"action": "accept", "version": 1}):
        api.post(f"/v1/tickets/{ticket}/transitions", json=body, headers=staff)
    api.post(f"/v1/tickets/{ticket}/rectifications", json={"kind": "measure", "text": "已修复"}, headers=unit)
    api.post(f"/v1/tickets/{ticket}/transitions", json={"action": "close", "version": 2}, headers=unit)
    [found] = GeoReportClient(api, "/open311/v2", staff["Authorization"][7:]).request(ticket).json()
    assert (found["status"], found["agency_responsible"]) == ("closed", "幸福里社区居委会")


@pytest.mark.parametrize(("fields", "message"), [
    ({"description": "停水"}, "service_code"),
    ({"service_code": "heating", "description": "停暖"}, "heating"),
    ({"service_code": "water"}, "description: required"),
    ({"service_code": "water", "description": "停水", "lat": "north"}, "lat: 'north' is not a number"),
])
def test_a_bad_post_is_a_400_in_the_spec_format(api, fields, message):
    client = GeoReportClient(api, "/open311/v2", api.key("intake")["Authorization"][7:])
    assert message in spec_error(client.post_request(**fields), 400)


def test_keys_are_checked_as_api_key(api):
    assert "api_key" in spec_error(GeoReportClient(api, "/open311/v2", "nope").post_request(
        service_code="water", description="停水"), 403)
    assert "api_key" in spec_error(GeoReportClient(api, "/open311/v2", "").requests(), 403)
    unit = GeoReportClient(api, "/open311/v2", api.key("unit", "SQ-XFL")["Authorization"][7:])
    assert "unit key" in spec_error(unit.post_request(service_code="water", description="停水"), 403)
    json_body = api.post("/open311/v2/requests.json", json={"api_key": "x", "service_code": "water"})
    assert "form-encoded" in spec_error(json_body, 400)


def test_a_unit_key_reads_only_its_units_requests(api):
    staff = api.key("staff")
    mine, theirs = store_ticket(api), store_ticket(api, "路灯不亮好几天了")
    api.post(f"/v1/tickets/{mine}/transitions", json={"action": "dispatch", "version": 0, "unit": "SQ-XFL"},
             headers=staff)
    api.post(f"/v1/tickets/{theirs}/transitions", json={"action": "dispatch", "version": 0, "unit": "SQ-HPL"},
             headers=staff)
    unit = GeoReportClient(api, "/open311/v2", api.key("unit", "SQ-XFL")["Authorization"][7:])
    assert unit.request(mine).status_code == 200
    assert "not held by unit SQ-XFL" in spec_error(unit.request(theirs), 403)
    assert [r["service_request_id"] for r in unit.requests().json()] == [mine]
    intake = GeoReportClient(api, "/open311/v2", api.key("intake")["Authorization"][7:])
    assert intake.requests().json() == []  # intake systems follow what came through Open311
    assert spec_error(intake.request(mine), 404)

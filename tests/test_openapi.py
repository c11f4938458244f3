"""The OpenAPI schema is one a client generator can use: who may call what, label enums, every error.

It says no more and no less than the server: what the schema refuses, the server refuses (422),
and what it allows, the server accepts.
"""

from __future__ import annotations

import pytest
from conftest import service_settings
from fastapi.testclient import TestClient
from jsonschema_rs import Draft202012Validator

from service.app import create_app
from triage.labels import CATEGORIES, ROUTES, URGENCIES

ROLES = {"intake": ["intake", "staff", "admin"], "unit": ["unit", "staff", "admin"], "staff": ["staff", "admin"],
         "admin": ["admin"]}
NEEDS = {("post", "/v1/triage"): "intake", ("post", "/v1/triage/batch"): "intake",
         ("post", "/v1/tickets/{ticket_id}/corrections"): "staff", ("get", "/v1/tickets/{ticket_id}"): "staff",
         ("get", "/v1/review-queue"): "staff", ("get", "/v1/corrections/export"): "staff",
         ("get", "/v1/queue"): "staff", ("post", "/v1/corrections/bulk"): "staff",
         ("get", "/v1/models"): "staff", ("post", "/v1/models/{version}/activate"): "admin",
         ("post", "/v1/models/retrain"): "admin", ("get", "/v1/models/jobs/{job_id}"): "admin",
         ("get", "/v1/lifecycle"): "unit", ("get", "/v1/tickets/{ticket_id}/lifecycle"): "unit",
         ("post", "/v1/tickets/{ticket_id}/transitions"): "unit",
         ("post", "/v1/tickets/{ticket_id}/rectifications"): "unit", ("get", "/v1/ledger"): "unit",
         ("get", "/v1/ledger/summary"): "unit",
         ("get", "/v1/incidents"): "staff", ("get", "/v1/incidents/{incident_id}"): "staff",
         ("post", "/v1/tickets/{ticket_id}/split"): "staff", ("get", "/v1/hotspots"): "staff"}
OPEN = {("get", "/v1/health"), ("get", "/v1/model"), ("get", "/metrics"), ("post", "/v1/noop")}


@pytest.fixture(scope="module")
def api(triager, tmp_path_factory):
    app = create_app(service_settings(tmp_path_factory.mktemp("db"), open_intake="never", noop_route=True,
                                      log_requests=False, model_poll_seconds=0), triager=triager)
    with TestClient(app) as client:
        client.keys = {role: app.state.service.store.create_key(role, role, "SQ-XFL" if role == "unit" else None)
                       for role in ROLES}
        client.spec = client.get("/openapi.json").json()
        yield client


def operations(spec):
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            yield method, path, operation


def validator(spec, name):
    return Draft202012Validator({"$ref": f"#/components/schemas/{name}", "components": spec["components"]})


def test_every_operation_is_listed_with_who_may_call_it(api):
    assert {(m, p) for m, p, _ in operations(api.spec)} == set(NEEDS) | OPEN
    schemes = api.spec["components"]["securitySchemes"]
    assert schemes["bearer"] == {**schemes["bearer"], "type": "http", "scheme": "bearer"}
    assert schemes["cookie"] == {**schemes["cookie"], "type": "apiKey", "in": "cookie", "name": "triage_key"}
    for method, path, operation in operations(api.spec):
        role = NEEDS.get((method, path))
        expected = [{"bearer": ROLES[role]}, {"cookie": ROLES[role]}] if role else None
        assert operation.get("security") == expected, (method, path)


def test_an_operation_that_needs_a_key_answers_401_without_one(api):
    for (method, path), _role in NEEDS.items():
        url = path.format(ticket_id="T-1", version="v", job_id=1, incident_id=1)
        r = api.request(method.upper(), url, json={"text": "停水"} if method == "post" else None)
        assert r.status_code == 401, (method, path)
        assert r.status_code == 401 and "401" in api.spec["paths"][path][method]["responses"]


def test_every_error_response_is_documented_in_the_one_error_shape_with_an_example(api):
    for method, path, operation in operations(api.spec):
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                content = response["content"]["application/json"]
                assert content["schema"]["$ref"].rsplit("/", 1)[1] in {"ErrorPublic", "StalePublic",
                                                                            "BulkStalePublic"}, (path, status)
                assert content["example"]["error"]["status"] == int(status)
                assert response["description"], (method, path, status)
        if method == "post" and path.startswith("/v1/"):
            assert {"413", "415"} <= set(operation["responses"]), (method, path)
        if operation.get("security"):
            assert {"401", "403"} <= set(operation["responses"]), (method, path)
        if operation.get("parameters") or operation.get("requestBody"):
            assert "422" in operation["responses"], (method, path)
        for parameter in operation.get("parameters", []):  # absent or a value: a header is never null
            assert "null" not in str(parameter["schema"]), (method, path, parameter["name"])
    assert "HTTPValidationError" not in str(api.spec)


def test_labels_are_named_enums_built_from_the_label_codes(api):
    schemas = api.spec["components"]["schemas"]
    assert schemas["Category"]["enum"] == list(CATEGORIES)
    assert schemas["Urgency"]["enum"] == list(URGENCIES)
    assert schemas["RouteCode"]["enum"] == list(ROUTES)
    answer = schemas["TriagePublic"]["properties"]
    assert answer["category"]["$ref"].endswith("/Category") and answer["urgency"]["$ref"].endswith("/Urgency")
    assert answer["route"]["$ref"].endswith("/RouteCode")
    assert answer["categories"]["items"]["$ref"].endswith("/Category")
    assert schemas["PredictionPublic"]["properties"]["route"]["$ref"].endswith("/RouteCode")
    assert set(schemas["JobPublic"]["properties"]["status"]["enum"]) == {"queued", "running", "promoted", "rejected",
                                                                          "failed"}


def test_request_bodies_and_answers_carry_examples_that_fit_their_schema(api):
    schemas = api.spec["components"]["schemas"]
    for name in ("TriageCreate", "TriageBatchCreate", "CorrectionCreate", "TriagePublic", "ErrorPublic"):
        assert schemas[name]["examples"], name
        for example in schemas[name]["examples"]:
            validator(api.spec, name).validate(example)


@pytest.mark.parametrize(("text", "fits"), [("停水", True), ("", False), ("  \u3000\n", False)])
def test_the_schema_refuses_the_texts_the_server_refuses(api, text, fits):
    assert validator(api.spec, "TriageCreate").is_valid({"text": text}) is fits
    r = api.post("/v1/triage", json={"text": text}, headers={"Authorization": f"Bearer {api.keys['intake']}"})
    assert r.status_code == (200 if fits else 422)


@pytest.mark.parametrize(("body", "fits"), [({"urgency": "high"}, True), ({"route": "property", "note": "x"}, True),
                                            ({}, False), ({"note": "只写了备注"}, False),
                                            ({"category": None}, False), ({"category": "heating"}, False)])
def test_the_schema_refuses_the_corrections_the_server_refuses(api, body, fits):
    assert validator(api.spec, "CorrectionCreate").is_valid(body) is fits
    intake, staff = ({"Authorization": f"Bearer {api.keys[r]}"} for r in ("intake", "staff"))
    ticket = api.post("/v1/triage", json={"text": "小区停水两天了", "store": True}, headers=intake).json()["id"]
    r = api.post(f"/v1/tickets/{ticket}/corrections", json=body, headers=staff)
    assert r.status_code == (201 if fits else 422), r.text


@pytest.mark.parametrize(("if_match", "fits"), [('"0"', True), ('W/"0"', True), (' "0" , "1"', True), ("*", True),
                                                ("0", False), ('"', False), ("*, x", False), ("", False)])
def test_the_schema_refuses_the_if_match_the_server_refuses(api, if_match, fits):
    [header] = [p for p in api.spec["paths"]["/v1/tickets/{ticket_id}/corrections"]["post"]["parameters"]
                if p["name"] == "if-match"]
    assert Draft202012Validator(header["schema"]).is_valid(if_match) is fits
    intake, staff = ({"Authorization": f"Bearer {api.keys[r]}"} for r in ("intake", "staff"))
    ticket = api.post("/v1/triage", json={"text": "小区停水两天了", "store": True}, headers=intake).json()["id"]
    r = api.post(f"/v1/tickets/{ticket}/corrections", json={"urgency": "high"}, headers={**staff, "If-Match": if_match})
    assert r.status_code == (201 if fits else 400), r.text

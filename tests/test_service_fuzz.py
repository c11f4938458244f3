"""Schemathesis against the app's own OpenAPI schema: no generated request may get a 5xx.

Each operation's request strategy (valid and invalid bodies, odd types, huge and empty
strings) is driven by Hypothesis; every response must be a documented, non-5xx status with
a body that matches the schema.
"""

import pytest
import schemathesis
from conftest import service_settings
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation import GenerationMode

from service.app import create_app

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

pytestmark = pytest.mark.slow  # end to end: real processes, servers or browsers


def test_no_generated_request_gets_a_server_error(triager, tmp_path):
    app = create_app(service_settings(tmp_path, log_requests=False), triager=triager)
    # a staff key reaches the review routes; admin routes answer it 403 (no retraining is started)
    headers = {"Authorization": "Bearer " + app.state.service.store.create_key("fuzz", "staff")}
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/v1/triage", "/v1/triage/batch", "/v1/health", "/metrics"}
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
            def check(case):
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                check()
            except Unsatisfiable:  # no invalid form exists (a GET without parameters, a bare path string)
                assert mode == GenerationMode.NEGATIVE

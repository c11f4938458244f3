"""Schemathesis against the app's own OpenAPI schema: no generated request may get a 5xx.

Each operation's request strategy (valid and invalid bodies, odd types, huge and empty
strings) is driven by Hypothesis; every response must be a documented, non-5xx status with
a body that matches the schema.
"""

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation import GenerationMode

from service.app import create_app
from service.settings import Settings

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_no_generated_request_gets_a_server_error(triager):
    app = create_app(Settings(log_requests=False), triager=triager)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/v1/triage", "/v1/triage/batch", "/v1/health", "/metrics"}
    for operation in operations:
        # a GET without parameters has no invalid form: negative cases only where there is a body
        modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if operation.method.upper() == "POST" else [])
        for mode in modes:
            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
            def check(case):
                case.call_and_validate(checks=CHECKS)

            check()

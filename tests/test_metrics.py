"""Request metrics and ids: the cached label children count like labels() each time."""

import re

from service.metrics import Metrics
from service.middleware import _new_id


def _sample(metrics: Metrics, name: str, labels: dict[str, str]) -> float | None:
    return metrics.registry.get_sample_value(name, labels)


def test_observe_request_counts_every_request_in_its_own_labels():
    metrics = Metrics()
    for status, seconds in ((200, 0.003), (200, 0.05), (422, 0.001)):
        metrics.observe_request("/v1/triage", "POST", status, seconds)
    ok = {"route": "/v1/triage", "method": "POST", "status": "200"}
    assert _sample(metrics, "triage_http_requests_total", ok) == 2
    assert _sample(metrics, "triage_http_requests_total", {**ok, "status": "422"}) == 1
    latency = {"route": "/v1/triage", "method": "POST"}
    assert _sample(metrics, "triage_http_request_duration_seconds_count", latency) == 3
    assert _sample(metrics, "triage_http_request_duration_seconds_bucket", {**latency, "le": "0.005"}) == 2


def test_request_ids_look_like_uuid_hex_and_differ():
    ids = {_new_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)

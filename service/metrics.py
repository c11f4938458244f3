"""Prometheus metrics: requests and latency by route and status, predictions, the model version.

With several worker processes (``triage serve --workers N``), PROMETHEUS_MULTIPROC_DIR is set
and /metrics adds up every worker's figures.
"""

from __future__ import annotations

import os
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

__all__ = ["CONTENT_TYPE_LATEST", "Metrics"]

_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.06, 0.1, 0.25, 0.5, 1.0, 2.5)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("triage_http_requests_total", "HTTP requests by route, method and status.",
                                ["route", "method", "status"], registry=self.registry)
        self.latency = Histogram("triage_http_request_duration_seconds", "HTTP request latency by route.",
                                 ["route", "method"], buckets=_BUCKETS, registry=self.registry)
        self.predictions = Counter("triage_predictions_total", "Triaged texts by category, urgency and route.",
                                   ["category", "urgency", "route"], registry=self.registry)
        self.model = Gauge("triage_model_info", "The model version being served (value 1).", ["version"],
                           registry=self.registry, multiprocess_mode="max")
        self._per_request: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        """Count one request and its latency.

        The labelled children are kept per (route template, method, status), a small set:
        ``labels()`` takes a lock and checks its arguments on every call.
        """
        children = self._per_request.get((route, method, status))
        if children is None:
            children = (self.requests.labels(route, method, str(status)), self.latency.labels(route, method))
            self._per_request[(route, method, status)] = children
        children[0].inc()
        children[1].observe(seconds)

    def render(self) -> bytes:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            from prometheus_client import multiprocess

            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest(self.registry)

"""Prometheus metrics: requests and latency by route and status, predictions, the model version.

With several worker processes (``triage serve --workers N``), PROMETHEUS_MULTIPROC_DIR is set
and /metrics adds up every worker's figures.
"""

from __future__ import annotations

import os

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

    def render(self) -> bytes:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            from prometheus_client import multiprocess

            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest(self.registry)

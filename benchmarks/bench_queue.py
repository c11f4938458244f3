"""How long the staff queue takes to answer as the store grows (not a test: run it, read the medians).

    .venv/bin/python benchmarks/bench_queue.py [--tickets 2000 10000 50000] [--repeats 5]

For each size, a fresh SQLite store in a temporary folder is filled through POST /v1/triage/batch
(corpus texts, stored, 1,000 per request; all received today, so all in the queue's default
30-day window), then these are timed in-process with FastAPI's test client, median of --repeats:
- GET /v1/queue: the default view, a category filter, a two-term Chinese search, sorted by deadline;
- GET /ui: the page a reviewer opens (the same query, rendered).
It prints one row per size and query: median and the slowest run in milliseconds.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from service.app import create_app
from service.settings import Settings
from training.data import load_corpus

ROOT = Path(__file__).resolve().parent.parent
QUERIES = {"default": {}, "category=water": {"category": "water"}, "q=水管 漏水": {"q": "水管 漏水"},
           "sort=deadline": {"sort": "deadline"}}


def fill(client: TestClient, n: int, seed: int = 0) -> None:
    pool = [r["text"] for r in load_corpus()]
    rng = random.Random(seed)
    for start in range(0, n, 1000):
        items = [{"id": f"B-{i}", "text": f"{rng.choice(pool)}（{i}）"} for i in range(start, min(n, start + 1000))]
        r = client.post("/v1/triage/batch", json={"items": items, "store": True})
        assert r.status_code == 200 and r.json()["failed"] == 0, r.text[:300]


def timed(fn, repeats: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs), max(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, nargs="+", default=[2000, 10000, 50000])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"{'tickets':>8}  {'request':<28} {'median ms':>10} {'max ms':>8}  shown/total")
    for n in args.tickets:
        with tempfile.TemporaryDirectory() as folder:
            settings = Settings(database_url=f"sqlite:///{Path(folder) / 'triage.db'}", open_intake="always",
                                models_dir=ROOT / "models", log_requests=False, model_poll_seconds=0,
                                escalation_seconds=0)
            app = create_app(settings)
            with TestClient(app) as client:
                fill(client, n)
                client.headers["Authorization"] = f"Bearer {app.state.service.store.create_key('bench', 'staff')}"
                for name, params in QUERIES.items():
                    answer = client.get("/v1/queue", params=params).json()
                    median, worst = timed(lambda p=params: client.get("/v1/queue", params=p), args.repeats)
                    print(f"{n:>8}  {'GET /v1/queue ' + name:<28} {median:>10.1f} {worst:>8.1f}  "
                          f"{len(answer['items'])}/{answer['total']}", flush=True)
                key = client.headers.pop("Authorization").split()[1]
                client.cookies.set("triage_key", key)
                median, worst = timed(lambda: client.get("/ui"), args.repeats)
                print(f"{n:>8}  {'GET /ui':<28} {median:>10.1f} {worst:>8.1f}", flush=True)


if __name__ == "__main__":
    sys.exit(main())

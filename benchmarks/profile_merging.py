"""What incident merging adds to storing a ticket, part by part (not a test: run it, read the table).

    .venv/bin/python benchmarks/profile_merging.py [--tickets 2000] [--batch 1] [--repeats 5]

Two stores on one SQLite file stand for a server's two workers: they take turns storing the
benchmark texts (triaged once beforehand), ``--batch`` tickets per call, one ticket every five
seconds of simulated time, so each worker reads in the memberships the other one wrote, as in
``bench_service.py --merging``. Each repeat stores ``--tickets`` tickets into a fresh file
without merging and then into another with it. Printed, as medians over the repeats:

- ``Store.save_linked`` per ticket, CPU time of this process and wall time, with and without
  merging, and their ratio;
- the statements each call sends to the database (counted by an engine event);
- merging's parts per ticket (CPU time): the signature and bands before the transaction, and
  inside it reading in the other worker's memberships, the LSH candidates and their similarities,
  and the writes (the rest of the linking step).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_core import sample_texts
from sqlalchemy import event

from service.settings import Settings
from service.store import Store
from service.store.linking import IncidentLinker
from triage import Triager
from triage.incidents import IncidentIndex

PARTS = {  # what merging does, by the method that does it
    "signature and bands, before the transaction": (IncidentLinker, "prepare"),
    "linking, inside the transaction": (IncidentLinker, "link"),
    "  reading in other workers' memberships": (IncidentLinker, "_catch_up"),
    "  LSH candidates and similarities": (IncidentIndex, "best_match"),
}


class Clock:
    """Wraps methods so each call adds its CPU time to a part (the machine may be shared: time spent
    waiting for a core is not counted)."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)

    def wrap(self, owner: type, name: str, part: str) -> None:
        inner = getattr(owner, name)

        def clocked(*args, **kwargs):
            start = time.process_time()
            try:
                return inner(*args, **kwargs)
            finally:
                self.spent[part] += time.process_time() - start

        setattr(owner, name, clocked)


def store_all(folder: Path, name: str, texts: list[str], results: list[dict], tickets: int, batch: int,
              merge: bool) -> dict[str, float]:
    """Store ``tickets`` tickets through two stores on one file in turns; per-ticket figures."""
    url = f"sqlite:///{folder / name}.db"
    workers = [Store.open(url, merge=merge), Store.open(url, merge=merge)]
    statements = [0]
    for w in workers:
        event.listen(w.engine, "before_cursor_execute", lambda *a: statements.__setitem__(0, statements[0] + 1))
    start = datetime(2026, 12, 7, 8, tzinfo=UTC)
    calls, cpu, wall = 0, 0.0, 0.0
    for first in range(0, tickets, batch):
        rows = [(uuid.uuid4().hex, i % len(texts)) for i in range(first, min(first + batch, tickets))]
        worker = workers[calls % 2]
        c0, w0 = time.process_time(), time.perf_counter()
        worker.save_linked([{"id": i, "text": texts[j], "channel": None} for i, j in rows],
                           [results[j] for _, j in rows], start + timedelta(seconds=5 * first))
        cpu += time.process_time() - c0
        wall += time.perf_counter() - w0
        calls += 1
    for w in workers:
        w.close()
    return {"cpu_ms_per_ticket": cpu * 1000 / tickets, "wall_ms_per_ticket": wall * 1000 / tickets,
            "statements_per_call": statements[0] / calls}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    texts = sample_texts(500)
    results = [r.as_dict() for r in Triager.load(models_dir=Settings().models_dir).triage_many(texts)]
    clock = Clock()
    for part, (owner, name) in PARTS.items():
        clock.wrap(owner, name, part)
    runs: dict[str, list[dict[str, float]]] = {"without_merging": [], "with_merging": []}
    parts: dict[str, list[float]] = defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="profile-merging-") as folder:
        for repeat in range(args.repeats):
            runs["without_merging"].append(store_all(Path(folder), f"plain{repeat}", texts, results, args.tickets,
                                                     args.batch, merge=False))
            clock.spent.clear()
            runs["with_merging"].append(store_all(Path(folder), f"merging{repeat}", texts, results, args.tickets,
                                                  args.batch, merge=True))
            for part in PARTS:
                parts[part].append(clock.spent[part] * 1e6 / args.tickets)
    out = {name: {k: round(statistics.median(r[k] for r in rs), 3) for k in rs[0]} for name, rs in runs.items()}
    medians = {part: statistics.median(v) for part, v in parts.items()}
    inside = medians["linking, inside the transaction"]
    medians["  writes (the rest of the linking step)"] = inside - sum(
        medians[p] for p in PARTS if p.startswith("  "))
    print(json.dumps({
        "tickets": args.tickets, "batch": args.batch, "repeats": args.repeats, **out,
        "cost_ratio_by_cpu": round(out["with_merging"]["cpu_ms_per_ticket"]
                                   / out["without_merging"]["cpu_ms_per_ticket"], 3),
        "cost_ratio_by_wall": round(out["with_merging"]["wall_ms_per_ticket"]
                                    / out["without_merging"]["wall_ms_per_ticket"], 3),
        "merging_us_per_ticket": {part: round(v, 1) for part, v in medians.items()},
    }, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()

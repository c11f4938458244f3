"""No acknowledged write is lost: concurrent writers, then a kill -9 of the server mid-write (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import signal
import threading
import time

import httpx
import pytest
from servers import serve
from sqlalchemy import func, select

from service.store import Store
from service.store.tables import Correction, Ticket

WRITERS = 8

pytestmark = pytest.mark.slow  # end to end: real processes, servers or browsers


def test_acknowledged_writes_survive_concurrency_and_kill_9(database_url, small_models_dir, tmp_path):
    store = Store.open(database_url)
    staff = store.create_key("durability", "staff")
    env = {"TRIAGE_MODELS_DIR": str(small_models_dir), "TRIAGE_DATABASE_URL": database_url,
           "TRIAGE_LOG_REQUESTS": "0", "TRIAGE_OPEN_INTAKE": "always"}
    acked_tickets: list[str] = []
    acked_corrections: list[int] = []
    errors: list[str] = []
    with serve(env, log=tmp_path / "server.log") as (url, proc):
        with httpx.Client() as client:  # a ticket for the correcting writers to correct
            assert client.post(url + "/v1/triage", json={"text": "路灯坏了", "id": "shared", "store": True}
                               ).status_code == 200
        acked_tickets.append("shared")
        go = threading.Event()

        def writer(n: int) -> None:
            headers = {"Authorization": f"Bearer {staff}"}
            with httpx.Client(timeout=30, headers=headers) as client:
                go.wait()
                for i in range(100_000):
                    try:
                        if n % 2:
                            r = client.post(url + "/v1/tickets/shared/corrections",
                                            json={"urgency": ("high", "normal")[i % 2], "note": f"w{n}-{i}"})
                            if r.status_code == 201:
                                acked_corrections.append(r.json()["id"])
                        else:
                            r = client.post(url + "/v1/triage", json={"text": f"第{i}号楼停水", "id": f"w{n}-{i}",
                                                                      "store": True})
                            if r.status_code == 200:
                                acked_tickets.append(f"w{n}-{i}")
                        if r.status_code >= 500:
                            errors.append(f"{r.status_code} {r.text[:200]}")
                    except httpx.HTTPError:
                        return  # the server is gone

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
        for t in threads:
            t.start()
        go.set()
        deadline = time.monotonic() + 120
        while (len(acked_tickets) < 40 or len(acked_corrections) < 40) and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)  # the whole server, workers included, mid-write
        for t in threads:
            t.join(timeout=60)
    assert not errors
    assert len(acked_tickets) >= 40 and len(acked_corrections) >= 40
    with store.engine.connect() as db:
        stored = set(db.scalars(select(Ticket.id)))
        stored_corrections = set(db.scalars(select(Correction.id)))
        count = db.scalar(select(func.count()).select_from(Correction))
    assert set(acked_tickets) <= stored
    assert set(acked_corrections) <= stored_corrections
    assert len(set(acked_corrections)) == len(acked_corrections) and count >= len(acked_corrections)
    store.close()

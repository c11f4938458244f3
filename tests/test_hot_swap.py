"""A newly activated model reaches every worker of a running service within 10 s, with no failed request."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time

import httpx
import pytest
from servers import TRIAGE, serve

pytestmark = pytest.mark.slow  # end to end: real processes, servers or browsers


def versions_by_worker(url: str, tries: int = 60) -> dict[int, str]:
    """The model version each worker serves, asked over fresh connections (the kernel spreads them)."""
    seen: dict[int, str] = {}
    for _ in range(tries):
        with httpx.Client() as fresh:
            health = fresh.get(url + "/v1/health").json()
        seen[health["worker_pid"]] = health["model_version"]
        if len(seen) == 2:
            break
    return seen


def test_activation_reaches_both_workers_while_requests_flow(tmp_path, small_models_dir):
    models = tmp_path / "models"
    shutil.copytree(small_models_dir, models)
    shutil.copytree(models / "small", models / "small-b")
    env = {"TRIAGE_MODELS_DIR": str(models), "TRIAGE_DATABASE_URL": f"sqlite:///{tmp_path / 'triage.db'}",
           "TRIAGE_MODEL_POLL_SECONDS": "1", "TRIAGE_LOG_REQUESTS": "0"}
    with serve(env) as (url, _):
        stop, statuses, served_by = threading.Event(), [], set()

        def traffic() -> None:
            while not stop.is_set():
                with httpx.Client(timeout=10) as fresh:
                    try:
                        r = fresh.post(url + "/v1/triage", json={"text": "小区路灯坏了三天了"})
                        statuses.append(r.status_code)
                        served_by.add(r.json().get("model_version"))
                    except httpx.HTTPError as e:
                        statuses.append(repr(e))

        senders = [threading.Thread(target=traffic) for _ in range(4)]
        for t in senders:
            t.start()
        try:
            assert set(versions_by_worker(url).values()) == {"small"}
            for target in ("small-b", "small"):  # switch, then roll back
                started = time.monotonic()
                subprocess.run([TRIAGE, "models", "activate", target, "--models", str(models)], check=True)
                while set(versions_by_worker(url).values()) != {target}:
                    assert time.monotonic() - started < 10, versions_by_worker(url)
                    time.sleep(0.2)
                assert len(versions_by_worker(url)) == 2
        finally:
            stop.set()
            for t in senders:
                t.join()
    assert served_by == {"small", "small-b"}
    assert statuses and set(statuses) == {200}

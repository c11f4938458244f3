"""`triage serve` as a user runs it: a real uvicorn with two workers on 127.0.0.1."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

TRIAGE = str(Path(sys.executable).with_name("triage"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    env = {**os.environ, "TRIAGE_DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('db') / 'triage.db'}"}
    proc = subprocess.Popen([TRIAGE, "serve", "--port", str(port), "--workers", "2"], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                httpx.get(url + "/v1/health", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.5)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def test_both_workers_serve(server):
    pids = set()
    for _ in range(200):
        with httpx.Client() as fresh:  # a new connection each time, so the kernel may pick either worker
            pids.add(fresh.get(server + "/v1/health").json()["worker_pid"])
        if len(pids) == 2:
            break
    assert len(pids) == 2


def test_a_complaint_over_real_http(server):
    r = httpx.post(server + "/v1/triage", json={"text": "单元门口有很重的煤气味"})
    assert r.status_code == 200 and r.json()["urgency"] == "emergency"


def test_metrics_add_up_every_worker(server):
    for _ in range(20):
        with httpx.Client() as fresh:
            fresh.post(server + "/v1/triage", json={"text": "路灯不亮"})
    text = httpx.get(server + "/metrics").text
    line = next(line for line in text.splitlines()
                if line.startswith('triage_http_requests_total{method="POST",route="/v1/triage",status="200"}'))
    assert float(line.split()[-1]) >= 20


def test_serve_refuses_a_bad_setting(tmp_path):
    env = {**os.environ, "TRIAGE_MAX_TEXT_CHARS": "0"}
    out = subprocess.run([TRIAGE, "serve", "--port", str(free_port())], env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 1
    assert out.stderr.startswith("Error: invalid TRIAGE_* setting:")
    assert "max_text_chars" in out.stderr


def test_serve_without_a_model(tmp_path):
    env = {**os.environ, "TRIAGE_MODELS_DIR": str(tmp_path)}
    out = subprocess.run([TRIAGE, "serve", "--port", str(free_port())], env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 1
    assert out.stderr.strip() == (f"Error: {tmp_path / 'ACTIVE'}: no active model. Train one with 'triage train' "
                                  "or point TRIAGE_MODELS_DIR at a models folder.")

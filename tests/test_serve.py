"""`triage serve` as a user runs it: a real uvicorn with two workers on 127.0.0.1."""

import os
import subprocess

import httpx
import pytest
from servers import TRIAGE, free_port, serve

pytestmark = pytest.mark.slow  # end to end: real processes, servers or browsers


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    env = {"TRIAGE_DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('db') / 'triage.db'}"}
    with serve(env) as (url, _):
        yield url


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


@pytest.mark.parametrize(("name", "value", "message"), [
    ("TRIAGE_MAX_TEXT_CHARS", "0", "TRIAGE_MAX_TEXT_CHARS: Input should be greater than or equal to 1"),
    ("TRIAGE_TIMEZONE", "Mars/Base", "TRIAGE_TIMEZONE: expected an IANA time zone such as Asia/Shanghai, "
                                     "got 'Mars/Base'"),
])
def test_serve_refuses_a_bad_setting_at_start_up(name, value, message):
    env = {**os.environ, name: value}
    out = subprocess.run([TRIAGE, "serve", "--port", str(free_port())], env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 2
    assert out.stderr.strip() == f"Error: {message}"


def test_serve_without_a_model(tmp_path):
    env = {**os.environ, "TRIAGE_MODELS_DIR": str(tmp_path)}
    out = subprocess.run([TRIAGE, "serve", "--port", str(free_port())], env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 1
    assert out.stderr.strip() == (f"Error: {tmp_path / 'ACTIVE'}: no active model. Train one with 'triage train' "
                                  "or point TRIAGE_MODELS_DIR at a models folder.")


def test_the_staff_page_and_its_files_are_served(server):
    assert httpx.get(server + "/ui/static/ui.css").status_code == 200
    assert httpx.get(server + "/ui", follow_redirects=False).headers["location"] == "/ui/login"


def test_serve_refuses_a_database_it_cannot_open():
    env = {**os.environ, "TRIAGE_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/triage"}  # nothing listens
    out = subprocess.run([TRIAGE, "serve", "--port", str(free_port())], env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 2
    assert out.stderr.startswith("Error: TRIAGE_DATABASE_URL: ") and len(out.stderr.strip().splitlines()) == 1


def test_serve_refuses_an_invalid_escalation_file_at_start_up(tmp_path):
    bad = tmp_path / "escalation.yaml"
    bad.write_text("units:\n  - {code: A, name: 甲, level: village}\n", encoding="utf-8")
    env = {**os.environ, "TRIAGE_ESCALATION_PATH": str(bad)}
    out = subprocess.run([TRIAGE, "serve", "--port", str(free_port())], env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 1
    assert out.stderr.strip() == (f"Error: {bad}: units: row 1: A: level 'village' is not one of community, "
                                  "street, district")

"""A `triage tag` killed with SIGKILL partway and resumed writes exactly what an uninterrupted run writes."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.test_tagging import write_export
from triage.tagging import tag_file

ROWS = 1500


def rows_done(checkpoint):
    try:
        return json.loads(checkpoint.read_text(encoding="utf-8"))["rows_done"]
    except FileNotFoundError:
        return -1


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_a_killed_run_resumes_to_the_bytes_of_an_uninterrupted_one(tmp_path, triager, corpus, suffix):
    source = tmp_path / "export.csv"
    write_export(source, corpus, n=ROWS)
    whole = tag_file(triager, source, tmp_path / f"whole{suffix}", text_column="留言详情")
    command = [sys.executable, "-m", "triage.cli", "tag", str(source), "-o", str(tmp_path / f"cut{suffix}"),
               "--text-column", "留言详情", "-j", "2", "--batch-size", "50", "--checkpoint-every", "0"]
    run = subprocess.Popen(command, start_new_session=True, stderr=subprocess.DEVNULL)
    checkpoint = tmp_path / "cut.checkpoint.json"
    deadline = time.monotonic() + 120
    while rows_done(checkpoint) < 300:
        assert run.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline, "no progress in 120 s"
        time.sleep(0.02)
    os.killpg(run.pid, signal.SIGKILL)  # the command and its worker processes, at once
    run.wait()
    assert 300 <= rows_done(checkpoint) < ROWS

    resumed = subprocess.run([*command, "--resume"], capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert f"tagged {whole.tagged} of {ROWS} rows" in resumed.stderr
    assert (tmp_path / f"cut{suffix}").read_bytes() == (tmp_path / f"whole{suffix}").read_bytes()
    assert (tmp_path / "cut.errors.jsonl").read_bytes() == (tmp_path / "whole.errors.jsonl").read_bytes()
    assert not checkpoint.exists()

"""A `triage tag` killed with SIGKILL or stopped with Ctrl-C partway, then resumed, writes exactly what an
uninterrupted run writes, and says where it stands."""

import fcntl
import json
import os
import pty
import re
import shlex
import signal
import struct
import subprocess
import sys
import termios
import time

import pytest

from tests.test_tagging import interrupt, write_export
from triage.batch.tagging import tag_file

ROWS = 1500


def rows_done(checkpoint):
    try:
        return json.loads(checkpoint.read_text(encoding="utf-8"))["rows_done"]
    except FileNotFoundError:
        return -1


@pytest.mark.slow  # kills and resumes real processes
@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_a_killed_run_resumes_to_the_bytes_of_an_uninterrupted_one(tmp_path, triager, corpus, suffix):
    source = tmp_path / "export.csv"
    write_export(source, corpus, n=ROWS)
    whole = tag_file(triager, source, tmp_path / f"whole{suffix}", text_column="留言详情")
    command = [sys.executable, "-m", "service.cli", "tag", str(source), "-o", str(tmp_path / f"cut{suffix}"),
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


def tag_command(source, output):
    return [sys.executable, "-m", "service.cli", "tag", str(source), "-o", str(output), "--text-column", "留言详情",
            "-j", "2", "--batch-size", "50", "--checkpoint-every", "0"]


@pytest.mark.slow  # kills and resumes real processes
def test_ctrl_c_saves_the_checkpoint_and_prints_the_command_that_continues(tmp_path, triager, corpus):
    source = tmp_path / "export.csv"
    write_export(source, corpus, n=ROWS)
    tag_file(triager, source, tmp_path / "whole.csv", text_column="留言详情")
    command = tag_command(source, tmp_path / "cut.csv")
    run = subprocess.Popen(command, start_new_session=True, stderr=subprocess.PIPE, text=True)
    checkpoint = tmp_path / "cut.checkpoint.json"
    deadline = time.monotonic() + 120
    while rows_done(checkpoint) < 300:
        assert run.poll() is None, "the run ended before it could be interrupted"
        assert time.monotonic() < deadline, "no progress in 120 s"
        time.sleep(0.02)
    os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the command and its workers
    stderr = run.communicate(timeout=60)[1]
    assert run.returncode == 130, stderr
    done = rows_done(checkpoint)
    assert 300 <= done < ROWS
    continue_with = f"python -m service.cli {shlex.join([*command[3:], '--resume'])}"
    assert stderr.splitlines()[-1] == (f"interrupted after {done} rows, written to {tmp_path / 'cut.csv'} with the "
                                       f"checkpoint; continue with: {continue_with}")
    assert "Traceback" not in stderr

    printed = shlex.split(stderr.splitlines()[-1].split("continue with: ")[1])
    resumed = subprocess.run([sys.executable, *printed[1:]], capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert f"; {done} were done before --resume, this run did {ROWS - done} in " in resumed.stderr
    assert (tmp_path / "cut.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()
    assert (tmp_path / "cut.errors.jsonl").read_bytes() == (tmp_path / "whole.errors.jsonl").read_bytes()


def run_in_a_terminal(command):
    """Run ``command`` with its stderr on a pseudo-terminal (as an operator sees it); return what it wrote there."""
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))  # 24 lines of 120 columns
    run = subprocess.Popen(command, stderr=child, stdout=subprocess.DEVNULL)
    os.close(child)
    seen = b""
    while True:
        try:
            data = os.read(main, 4096)
        except OSError:  # the terminal's other end closed: the command has ended
            break
        if not data:
            break
        seen += data
    os.close(main)
    assert run.wait(timeout=300) == 0, seen.decode(errors="replace")
    return seen.decode("utf-8", errors="replace").replace("\r\n", "\n")


@pytest.mark.slow  # kills and resumes real processes
def test_a_resumed_run_shows_rows_done_of_all_rows_from_the_checkpoint_on(tmp_path, triager, corpus):
    source = tmp_path / "export.csv"
    write_export(source, corpus, n=ROWS)
    interrupt(triager, source, tmp_path / "cut.csv", chunks=3)  # 300 rows done, as a killed run leaves them
    screen = run_in_a_terminal([*tag_command(source, tmp_path / "cut.csv"), "--resume"])
    bars = [part for part in re.split(r"[\r\n]", screen) if part.startswith("tagging:")]
    assert " 300/1500 " in bars[0] and " 1500/1500 " in bars[-1], bars
    assert re.search(r"\ntagged 1484 of 1500 rows; 300 were done before --resume, this run did 1200 in [0-9.]+ s "
                     r"\([0-9]+ rows/s\); 16 bad rows in ", screen), screen

"""Load test of `triage serve --workers 2` on 127.0.0.1 with wrk (Debian package `wrk`).

    .venv/bin/python benchmarks/bench_service.py [--seconds 10] [--connections 32] [--repeats 5]
    .venv/bin/python benchmarks/bench_service.py --merging [--seconds 8] [--repeats 5]
    .venv/bin/python benchmarks/bench_service.py --directory [--seconds 10] [--repeats 5]

Runs, against one server in one run:
1. POST /v1/noop (same app, same middleware, no inference): the framework's ceiling;
2. POST /v1/triage, one text per request, texts cycling through 500 corpus texts;
3. POST /v1/triage with texts cut to 60 characters (short complaints);
4. POST /v1/triage/batch with 100 texts per request, as texts/s, beside in-process
   Triager.triage_many on the same texts (the ratio is the figure to read).
Each of the four runs is repeated ``--repeats`` times, interleaved (noop, single, short, batch,
noop, ...), so that the ratios compare runs made under the same load; every figure is the
median over the repeats. Also prints each worker's resident memory (VmRSS) after the runs.
With ``--merging``, instead: stored tickets (POST /v1/triage with ``"store": true``) against two
servers started side by side, each with its own SQLite store, one linking tickets to incidents
(TRIAGE_MERGE_INCIDENTS=1) and one not; runs alternate between them ``--repeats`` times, and the
figure is the ratio of the medians: how much merging adds to the cost of a stored ticket.
Prints requests/s and latency percentiles as wrk reports them, and the server's CPU time per
request (user + system time of the uvicorn process and its workers, read from /proc before and
after each run, divided by the requests served): on a shared, noisy host that figure moves far
less than requests/s. wrk shares the machine: at 1,000 requests/s on two cores the server can
spend at most about 1.8 CPU-ms per request. Traffic goes to 127.0.0.1 only.

With ``--directory`` it instead starts two servers, one whose store holds the example dispatch
directory (answers name units) and one whose store holds none, and loads them in turn with
single texts, ``--repeats`` times each (at least 5), printing the medians of requests/s and
server CPU-ms per request and their ratios (1.10: the directory costs 10%).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_core import median_rate, sample_texts

from service.settings import Settings

LUA = """
local bodies = {%s}
local i = 0
request = function()
  i = i %% #bodies + 1
  return wrk.format("POST", "%s", {["Content-Type"] = "application/json"}, bodies[i])
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def process_tree_cpu_seconds(root: int) -> float:
    """User + system CPU seconds of ``root`` and every process below it (Linux /proc)."""
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        parents[int(entry)] = int(fields[1])
        cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    tree, grew = {root}, True
    while grew:
        below = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= below
        grew = bool(below)
    return sum(cpu.get(pid, 0.0) for pid in tree)


def medians(runs: list[dict]) -> dict:
    """Each figure's median over repeated runs."""
    return {k: round(statistics.median(r[k] for r in runs), 3) for k in runs[0]}


def workers_rss_mb(root: int) -> list[float]:
    """Resident memory (VmRSS, MB) of each process below ``root``: the workers."""
    sizes = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        parent = int(re.search(r"^PPid:\s+(\d+)", status, re.M).group(1))
        rss = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
        if parent == root and rss:
            sizes.append(round(int(rss.group(1)) / 1024, 1))
    return sorted(sizes)


def lua_string(s: str) -> str:
    return "[==[" + s + "]==]"


def run_wrk(url: str, path: str, bodies: list[str], seconds: int, connections: int, server_pid: int) -> dict:
    cpu_before = process_tree_cpu_seconds(server_pid)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False, encoding="utf-8") as f:
        f.write(LUA % (",".join(lua_string(b) for b in bodies), path))
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", f.name, url + path],
                         capture_output=True, text=True, check=True).stdout
    os.unlink(f.name)
    cpu_seconds = process_tree_cpu_seconds(server_pid) - cpu_before
    figures = {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    served = int(re.search(r"(\d+) requests in", out).group(1))
    figures["server_cpu_ms_per_request"] = round(cpu_seconds * 1000 / max(served, 1), 3)
    for pct in ("50", "90", "99"):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        figures[f"p{pct}_ms"] = round(value / 1000 if unit == "us" else value * 1000 if unit == "s" else value, 2)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    figures["non_2xx"] = int(errors.group(1)) if errors else 0
    return figures


def start_server(**env: str) -> tuple[subprocess.Popen, str]:
    """``triage serve --workers 2`` on a free port with these TRIAGE_* variables; (process, base URL) once healthy."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    triage_bin = str(Path(sys.executable).with_name("triage"))
    server = subprocess.Popen([triage_bin, "serve", "--port", str(port), "--workers", "2"],
                              env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    for _ in range(120):
        try:
            if httpx.get(url + "/v1/health", timeout=1).status_code == 200:
                return server, url
        except httpx.HTTPError:
            time.sleep(0.5)
    stop(server)
    sys.exit("the server did not come up")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def compare_servers(args: argparse.Namespace, bodies: list[str], setups: dict[str, dict[str, str]],
                    prepare=None, check=None) -> dict:
    """POST /v1/triage load on two servers, each with its own SQLite store and TRIAGE_* variables, in alternating
    runs; each figure's median per server, and the cost ratios (above 1.0 the second costs more than the first).

    ``prepare(name, database_url)`` sets up a store before its server starts; ``check(servers)`` may refuse
    servers that do not answer as set up."""
    folder = Path(tempfile.mkdtemp(prefix="bench-compare-"))
    servers: dict[str, tuple[subprocess.Popen, str]] = {}
    runs: dict[str, list[dict]] = {name: [] for name in setups}
    try:
        for name, env in setups.items():
            database = f"sqlite:///{folder / name}.db"
            if prepare:
                prepare(name, database)
            servers[name] = start_server(TRIAGE_DATABASE_URL=database, **env)
        if check:
            check(servers)
        for server, url in servers.values():  # warm both workers of each
            run_wrk(url, "/v1/triage", bodies[:50], 3, args.connections, server.pid)
        for _ in range(max(args.repeats, 5)):
            for name, (server, url) in servers.items():
                runs[name].append(run_wrk(url, "/v1/triage", bodies, args.seconds, args.connections, server.pid))
    finally:
        for server, _ in servers.values():
            stop(server)
        shutil.rmtree(folder, ignore_errors=True)
    first, second = (medians(runs[name]) for name in setups)
    return {
        "connections": args.connections, "seconds": args.seconds, "repeats": len(next(iter(runs.values()))),
        "workers": 2, **{name: medians(rs) for name, rs in runs.items()},
        "cost_ratio_by_requests_per_s": round(first["requests_per_s"] / second["requests_per_s"], 3),
        "cost_ratio_by_server_cpu_ms": round(second["server_cpu_ms_per_request"]
                                             / first["server_cpu_ms_per_request"], 3),
    }


def merging_cost(args: argparse.Namespace, texts: list[str]) -> dict:
    """Stored tickets without and with incident merging."""
    stored = [json.dumps({"text": t, "store": True}, ensure_ascii=False) for t in texts]
    return compare_servers(args, stored, {"stored_without_merging": {"TRIAGE_MERGE_INCIDENTS": "0"},
                                          "stored_with_merging": {"TRIAGE_MERGE_INCIDENTS": "1"}})


def directory_cost(args: argparse.Namespace, texts: list[str]) -> dict:
    """Single texts on a server without a directory and on one naming units from the example directory."""
    from service.store import Store
    from triage.dispatch import load_directory

    def prepare(name: str, database: str) -> None:
        if name == "named":
            Store.open(database).import_directory(load_directory(), imported_by="benchmark")

    def check(servers: dict[str, tuple[subprocess.Popen, str]]) -> None:
        probe = {"text": "锦绣花园小区地库车位被物业卖给外人"}
        named = {name: httpx.post(url + "/v1/triage", json=probe).json()["unit"] for name, (_, url) in servers.items()}
        if named["plain"] is not None or named["named"] is None:
            sys.exit(f"the servers do not answer as set up: units {named}")

    singles = [json.dumps({"text": t}, ensure_ascii=False) for t in texts]
    return compare_servers(args, singles, {"plain": {}, "named": {}}, prepare, check)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--merging", action="store_true", help="stored tickets with and without incident merging")
    parser.add_argument("--directory", action="store_true",
                        help="compare a server naming units from the example directory with one without")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")

    texts = sample_texts(500)
    if args.merging:
        print(json.dumps(merging_cost(args, texts), indent=1))
        return
    if args.directory:
        print(json.dumps(directory_cost(args, texts), indent=1))
        return
    server, url = start_server(TRIAGE_NOOP_ROUTE="1")
    try:
        singles = [json.dumps({"text": t}, ensure_ascii=False) for t in texts]
        shorts = [json.dumps({"text": t[:60]}, ensure_ascii=False) for t in texts]
        batches = [json.dumps({"items": [{"text": t} for t in texts[i:i + 100]]}, ensure_ascii=False)
                   for i in range(0, len(texts), 100)]
        run_wrk(url, "/v1/triage", singles[:50], 3, args.connections, server.pid)  # warm both workers
        runs: dict[str, list[dict]] = {"noop": [], "single": [], "short": [], "batch": []}
        for _ in range(args.repeats):
            runs["noop"].append(run_wrk(url, "/v1/noop", singles, args.seconds, args.connections, server.pid))
            runs["single"].append(run_wrk(url, "/v1/triage", singles, args.seconds, args.connections, server.pid))
            runs["short"].append(run_wrk(url, "/v1/triage", shorts, args.seconds, args.connections, server.pid))
            runs["batch"].append(run_wrk(url, "/v1/triage/batch", batches, args.seconds, 4, server.pid))
        noop, single, short, batch = (medians(runs[k]) for k in ("noop", "single", "short", "batch"))
        ratios = [s["requests_per_s"] / n["requests_per_s"] for s, n in zip(runs["single"], runs["noop"], strict=True)]
        worker_rss = workers_rss_mb(server.pid)
    finally:
        stop(server)

    from triage import Triager

    triager = Triager.load(models_dir=Settings().models_dir)
    in_process = median_rate(lambda: triager.triage_many(texts), len(texts), 3)
    batch_texts_per_s = batch["requests_per_s"] * 100
    print(json.dumps({
        "connections": args.connections, "seconds": args.seconds, "workers": 2,
        "noop": noop, "triage_single": single, "triage_single_60_chars": short,
        "repeats": args.repeats,
        "single_vs_noop_ratio_median": round(statistics.median(ratios), 3),
        "batch_100_texts_per_s": round(batch_texts_per_s), "batch_latency": batch,
        "in_process_triage_many_texts_per_s": round(in_process),
        "batch_vs_in_process_ratio": round(batch_texts_per_s / in_process, 2),
        "batch_per_worker_vs_in_process_ratio": round(batch_texts_per_s / 2 / in_process, 2),
        "worker_rss_mb": worker_rss,
    }, indent=1))


if __name__ == "__main__":
    main()

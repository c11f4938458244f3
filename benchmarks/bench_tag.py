"""End-to-end speed and memory of `triage tag` on a synthetic backlog (not a test: run it, read every run).

    .venv/bin/python benchmarks/bench_tag.py [--rows 200000] [--jobs 1 2] [--repeats 3]
    .venv/bin/python benchmarks/bench_tag.py --rows 1000000 --jobs 2 --repeats 1   # the million-row memory run

Builds the export with benchmarks/backlog.py (cached in --workdir), then runs
`triage tag backlog.csv -o out.csv --text-column 留言主题,留言详情` as a subprocess for each
-j, alternating the order between repeats. For every run it prints:
- texts/s over the tagging loop (the command's own figure) and end to end (wall clock,
  model load included), and the CPU seconds of the whole process tree;
- the peak memory of the process tree, polled from /proc every 0.2 s: summed RSS (counts
  pages the forked workers share with the parent once per process, so it overstates) and
  summed PSS from smaps_rollup (shares each page among the processes mapping it: the honest
  figure), and the peak RSS of the largest single process;
- the share of the host's CPU time stolen by the hypervisor during the run (other virtual
  machines on the same hardware: a run with more steal is slower for reasons outside it).
Then the medians, the -j ratios (of the medians, and within each repeat, whose runs are
adjacent in time) and, with --two-at-once, the summed rate of two independent `-j 1` runs
started together: what the machine gives two processes sharing nothing, the ceiling for
`-j 2`. The outputs of the -j runs are compared byte for byte.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from backlog import write_backlog

ROOT = Path(__file__).resolve().parent.parent


def tree(pid: int) -> list[int]:
    """pid and all its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                todo.extend(int(c) for c in Path(f"/proc/{p}/task/{task}/children").read_text().split())
        except OSError:
            pass
    return out


def memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in KiB, (0, 0) when it is gone."""
    try:
        fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:])
        return int(fields["Rss"].split()[0]), int(fields["Pss"].split()[0])
    except (OSError, KeyError, ValueError):
        return 0, 0


def cpu_ticks() -> list[int]:
    """The host's CPU time so far by state (user, nice, system, idle, iowait, irq, softirq, steal), in ticks."""
    return [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]


def tag_command(source: Path, output: Path, jobs: int) -> list[str]:
    return [str(ROOT / ".venv" / "bin" / "triage"), "tag", str(source), "-o", str(output),
            "--text-column", "留言主题,留言详情", "--id-column", "工单编号", "-j", str(jobs)]


def rate_of(command: list[str], proc: subprocess.Popen) -> tuple[int, int, float]:
    """(tagged, rows, seconds of the tagging loop) from the command's last line."""
    stderr = proc.stderr.read()
    if proc.returncode:
        raise SystemExit(f"{command} failed: {stderr}")
    tagged, rows, seconds = re.search(r"tagged (\d+) of (\d+) rows in ([\d.]+) s", stderr).groups()
    return int(tagged), int(rows), float(seconds)


def run_two_at_once(source: Path, workdir: Path) -> dict:
    """Two independent `-j 1` runs started together: their summed rate is what this machine gives two
    processes that share nothing, the ceiling for `-j 2` set by the hardware rather than the program."""
    commands = [tag_command(source, workdir / f"out-alone-{i}.csv", 1) for i in (1, 2)]
    procs = [subprocess.Popen(c, stderr=subprocess.PIPE, text=True) for c in commands]
    for proc in procs:
        proc.wait()
    rates = [tagged / seconds for tagged, _, seconds in (rate_of(c, p) for c, p in zip(commands, procs, strict=True))]
    return {"jobs": "two -j 1 at once", "texts_per_s_each": [round(r) for r in rates], "texts_per_s": round(sum(rates))}


def run(source: Path, output: Path, jobs: int) -> dict:
    command = tag_command(source, output, jobs)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    ticks_before = cpu_ticks()
    started = time.perf_counter()
    proc = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    peak_rss = peak_pss = peak_one = 0
    while proc.poll() is None:
        sizes = [memory_kb(p) for p in tree(proc.pid)]
        peak_rss = max(peak_rss, sum(s[0] for s in sizes))
        peak_pss = max(peak_pss, sum(s[1] for s in sizes))
        peak_one = max([peak_one, *(s[0] for s in sizes)])
        time.sleep(0.2)
    wall = time.perf_counter() - started
    tagged, rows, seconds = rate_of(command, proc)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    ticks = [b - a for a, b in zip(ticks_before, cpu_ticks(), strict=True)]
    return {"jobs": jobs, "rows": rows, "tagged": tagged, "tag_seconds": seconds,
            "texts_per_s": round(tagged / seconds), "wall_s": round(wall, 1),
            "end_to_end_texts_per_s": round(tagged / wall),
            "cpu_s": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 1),
            "peak_rss_sum_mb": round(peak_rss / 1024), "peak_pss_sum_mb": round(peak_pss / 1024),
            "peak_rss_largest_process_mb": round(peak_one / 1024),
            "max_rss_of_tag_process_mb": round(after.ru_maxrss / 1024),
            "host_steal_pct": round(100 * ticks[7] / max(sum(ticks), 1), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/triage-bench-tag"))
    parser.add_argument("--two-at-once", action="store_true",
                        help="also run two -j 1 processes together in every repeat (the hardware's ceiling)")
    args = parser.parse_args()

    args.workdir.mkdir(parents=True, exist_ok=True)
    source = args.workdir / f"backlog-{args.rows}.csv"
    if not source.exists():
        write_backlog(source, args.rows)
    print(f"input: {source} ({source.stat().st_size / 1e6:.0f} MB, {args.rows} rows); {os.cpu_count()} cores; "
          f"load average at start {os.getloadavg()[0]:.1f}", flush=True)
    runs: dict[int, list[dict]] = {j: [] for j in args.jobs}
    together: list[dict] = []
    for repeat in range(args.repeats):
        for jobs in args.jobs if repeat % 2 == 0 else args.jobs[::-1]:
            figures = run(source, args.workdir / f"out-j{jobs}.csv", jobs)
            figures["load_average_after"] = round(os.getloadavg()[0], 1)
            runs[jobs].append(figures)
            print(json.dumps(figures), flush=True)
        if args.two_at_once:
            together.append(run_two_at_once(source, args.workdir))
            print(json.dumps(together[-1]), flush=True)
    outputs = [args.workdir / f"out-j{j}.csv" for j in args.jobs]
    same = all(filecmp.cmp(outputs[0], o, shallow=False) for o in outputs[1:])
    medians = {j: {k: statistics.median(r[k] for r in rs) for k in ("texts_per_s", "end_to_end_texts_per_s", "cpu_s",
                                                                    "peak_rss_sum_mb", "peak_pss_sum_mb")}
               for j, rs in runs.items()}
    summary: dict = {"medians": medians, "outputs_identical": same}
    if 1 in runs:
        base = medians[1]
        summary["ratios_to_j1"] = {
            j: {"texts_per_s": round(m["texts_per_s"] / base["texts_per_s"], 2),
                "end_to_end": round(m["end_to_end_texts_per_s"] / base["end_to_end_texts_per_s"], 2),
                "cpu_s": round(m["cpu_s"] / base["cpu_s"], 2)}
            for j, m in medians.items()}
        # Runs of one repeat are adjacent in time, so their ratio shares most of the machine's drift.
        summary["ratio_to_j1_in_each_repeat"] = {
            j: [round(r["texts_per_s"] / b["texts_per_s"], 2) for r, b in zip(rs, runs[1], strict=True)]
            for j, rs in runs.items() if j != 1}
        summary["median_ratio_in_a_repeat"] = {j: statistics.median(v)
                                              for j, v in summary["ratio_to_j1_in_each_repeat"].items()}
        if together:
            ratios = [t["texts_per_s"] / b["texts_per_s"] for t, b in zip(together, runs[1], strict=True)]
            summary["two_at_once_to_j1_in_each_repeat"] = [round(r, 2) for r in ratios]
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()

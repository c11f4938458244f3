"""Instructions `triage tag` executes per row at -j 1 and -j 2, counted by valgrind (not a test).

    .venv/bin/python benchmarks/count_tag_work.py [--rows 4000]

Wall-clock rates on a shared virtual machine vary by ±15% between identical runs; instruction
counts do not. This runs `triage tag` under callgrind (about 50 times slower, so on a few
thousand rows of the bench_tag.py export) once on ROWS rows and once on a single row, for each
-j, and subtracts: what is left is the work of tagging the rows, without start-up. A forked
worker's count starts from the parent's at the fork, so the workers of the one-row run are
the baseline for the workers. It prints the instructions per row of the -j 1 process, of the
-j 2 parent (reading and appending) and of its workers, the extra work -j 2 does, and the
speed-up that work allows on two cores when all three processes share them:
2 × work(-j 1) / work(-j 2). A measured speed-up below that ceiling is time lost to the
machine (cache and memory shared between the cores, CPU taken by other virtual machines),
not to the program. Needs Debian's `valgrind`.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from backlog import write_backlog
from bench_tag import tag_command


def count(source: Path, jobs: int, workdir: Path) -> tuple[int, list[int]]:
    """Instructions of the tag process and of each worker process it forked."""
    command = ["valgrind", "--tool=callgrind", "--trace-children=yes", f"--callgrind-out-file={workdir}/callgrind.%p",
               *tag_command(source, workdir / f"out-{source.stem}-j{jobs}.csv", jobs)]
    proc = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    _, stderr = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr[-2000:]}")
    counts = {int(pid): int(n) for pid, n in re.findall(r"==(\d+)== Collected : (\d+)", stderr)}
    parent = counts.pop(proc.pid)
    return parent, sorted(counts.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=4000)
    args = parser.parse_args()
    if not shutil.which("valgrind"):
        raise SystemExit("needs valgrind: apt-get install valgrind")

    with tempfile.TemporaryDirectory(prefix="triage-count-") as tmp:
        workdir = Path(tmp)
        source, single = workdir / "rows.csv", workdir / "one.csv"
        write_backlog(source, args.rows)
        with open(source, encoding="utf-8", newline="") as f, open(single, "w", encoding="utf-8", newline="") as g:
            rows = csv.reader(f)
            csv.writer(g).writerows([next(rows), next(rows)])  # the header and the first row

        one_parent, _ = count(single, 1, workdir)
        all_parent, _ = count(source, 1, workdir)
        work_j1 = all_parent - one_parent

        base_parent, base_workers = count(single, 2, workdir)
        parent, workers = count(source, 2, workdir)
        if len(workers) != 2 or len(base_workers) != 2:
            raise SystemExit(f"expected 2 workers, counted {len(workers)} and {len(base_workers)}")
        parent_work = parent - base_parent
        worker_work = sum(workers) - sum(base_workers)
        work_j2 = parent_work + worker_work

    per_row = {"j1": round(work_j1 / args.rows), "j2_parent": round(parent_work / args.rows),
               "j2_workers": round(worker_work / args.rows), "j2_total": round(work_j2 / args.rows)}
    print(json.dumps({
        "rows": args.rows,
        "instructions_per_row": per_row,
        "j2_parent_share": round(parent_work / work_j2, 3),
        "j2_extra_work": round(work_j2 / work_j1 - 1, 3),
        "j2_speedup_ceiling_on_2_cores": round(2 * work_j1 / work_j2, 2),
    }, indent=1))


if __name__ == "__main__":
    main()

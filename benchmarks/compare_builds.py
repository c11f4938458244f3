"""Two checkouts of the library timed against each other, alternating, on the benchmark texts.

Each repeat runs one fresh process per checkout in turn (``PYTHONPATH`` picks the checkout);
the process times ``triage_many`` on the same texts by the wall clock and by its CPU time, then
single-text answers. Alternating keeps both under the same load on a shared machine.

    .venv/bin/python benchmarks/compare_builds.py BEFORE_DIR AFTER_DIR --texts 5000 --repeats 5
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

_RUN = """
import json, sys, time
sys.path.insert(0, {bench!r})
from bench_core import sample_texts
from triage import Triager
texts = sample_texts({n})
triager = Triager.load(models_dir={models!r})
triager.triage_many(texts[:200])
wall, cpu = time.perf_counter(), time.process_time()
triager.triage_many(texts)
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
single = []
for text in texts[:1000]:
    start = time.perf_counter()
    triager.triage(text)
    single.append((time.perf_counter() - start) * 1000)
single.sort()
print(json.dumps({{"texts_per_s": len(texts) / wall, "cpu_us_per_text": cpu / len(texts) * 1e6,
                  "single_ms_p50": single[len(single) // 2]}}))
"""


def run(checkout: Path, n: int, models: Path) -> dict[str, float]:
    code = _RUN.format(bench=str(checkout / "benchmarks"), n=n, models=str(models))
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    out = subprocess.run([sys.executable, "-c", code], cwd=checkout, env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--texts", type=int, default=5_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--models", type=Path, default=Path("models").resolve())
    args = parser.parse_args()
    runs: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
    for _ in range(args.repeats):
        for name in ("before", "after"):
            runs[name].append(run(getattr(args, name).resolve(), args.texts, args.models))
    medians = {name: {k: round(statistics.median(r[k] for r in rs), 2) for k in rs[0]} for name, rs in runs.items()}
    medians["after_over_before"] = {k: round(medians["after"][k] / medians["before"][k], 3) for k in medians["after"]}
    medians["runs"] = {name: [round(r["cpu_us_per_text"], 1) for r in rs] for name, rs in runs.items()}
    print(json.dumps(medians, indent=1))


if __name__ == "__main__":
    main()

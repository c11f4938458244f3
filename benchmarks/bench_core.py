"""Speed and size of the library, on this machine (not a test: run it, read the medians).

    .venv/bin/python benchmarks/bench_core.py [--texts 10000] [--repeats 5] [--directory [PATH]]

Measures, on corpus texts cut or joined to 150-200 characters:
- triage_many throughput (texts/s) in one process, beside pure-Python jieba tokenisation alone
  on the same texts (the ratio is what carries across machines);
- single-text triage() latency, p50 and p99;
- cold start: a fresh Python process that imports triage, loads the model and answers one
  text, timed from the moment it is started until it exits (and, inside it, the load alone);
- the model folder's size.

With ``--directory`` (the shipped example district, or a directory folder or .xlsx), it also
runs triage_many naming units from that directory, alternating with the plain run in each of at
least 5 repeats, and prints both medians and their ratio (the cost of place extraction and
named routing; 1.10 is 10% slower).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from service.settings import Settings
from training.data import load_corpus
from triage import Triager
from triage.dispatch import load_directory
from triage.model.artifacts import active_version
from triage.text.tokenize import JiebaTokenizer


def sample_texts(n: int, seed: int = 0) -> list[str]:
    """n texts of 150-200 characters: corpus texts cut to length, short ones joined."""
    rng = random.Random(seed)
    pool = [r["text"] for r in load_corpus()]
    out = []
    while len(out) < n:
        text = rng.choice(pool)
        while len(text) < 150:
            text += "。" + rng.choice(pool)
        out.append(text[: rng.randint(150, 200)])
    return out


def median_rate(fn, n: int, repeats: int) -> float:
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        rates.append(n / (time.perf_counter() - start))
    return statistics.median(rates)


def cold_start(models: Path) -> tuple[float, float, bool]:
    """Seconds from starting a process to its exit after one answer; seconds of Triager.load inside it;
    whether answering imported scikit-learn."""
    code = ("import sys, time; from triage import Triager; t = time.perf_counter(); "
            f"triager = Triager.load(models_dir={str(models)!r}); loaded = time.perf_counter() - t; "
            "triager.triage('小区停水两天了'); print(loaded, 'sklearn' in sys.modules)")
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    whole = time.perf_counter() - start
    loaded, sklearn = out.stdout.split()
    return whole, float(loaded), sklearn == "True"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--directory", nargs="?", const="example", metavar="PATH",
                        help="also time triage_many naming units from this directory (default: the example)")
    args = parser.parse_args()

    texts = sample_texts(args.texts)
    models = Settings().models_dir  # TRIAGE_MODELS_DIR, else the shipped models
    triager = Triager.load(models_dir=models)
    triager.triage_many(texts[:100])  # warm caches
    jieba = JiebaTokenizer("jieba")
    jieba("预热")

    batch_rate = median_rate(lambda: triager.triage_many(texts), len(texts), args.repeats)
    jieba_rate = median_rate(lambda: [jieba(t) for t in texts], len(texts), args.repeats)

    latencies = []
    for text in texts[:2000]:
        start = time.perf_counter()
        triager.triage(text)
        latencies.append((time.perf_counter() - start) * 1000)
    latencies.sort()

    # the longest text the API takes, a danger word repeated in one long sentence: the rules must
    # stay linear in the text's length
    longest = []
    for text in ("停水" * 5_000, "煤气泄漏了" * 2_000, (texts[0] * 10_000)[:10_000]):
        start = time.perf_counter()
        triager.triage(text)
        longest.append((time.perf_counter() - start) * 1000)

    starts = [cold_start(models) for _ in range(args.repeats)]
    folder = models / active_version(models)
    size_mb = sum(p.stat().st_size for p in folder.iterdir()) / 1e6

    figures = {
        "texts": len(texts),
        "triage_many_texts_per_s": round(batch_rate),
        "jieba_tokenize_texts_per_s": round(jieba_rate),
        "ratio_triage_many_to_jieba": round(batch_rate / jieba_rate, 2),
        "single_triage_ms_p50": round(latencies[len(latencies) // 2], 2),
        "single_triage_ms_p99": round(latencies[int(len(latencies) * 0.99)], 2),
        "longest_text_10000_chars_ms_max": round(max(longest), 1),
        "cold_start_s_median": round(statistics.median(w for w, _, _ in starts), 3),
        "model_load_s_median": round(statistics.median(load for _, load, _ in starts), 3),
        "answering_imports_scikit_learn": any(s for _, _, s in starts),
        "model_folder_mb": round(size_mb, 1),
        "model_version": triager.version,
    }
    if args.directory:
        figures["with_directory"] = directory_cost(triager, texts, args.directory, max(args.repeats, 5))
    print(json.dumps(figures, indent=1))


def directory_cost(triager: Triager, texts: list[str], where: str, repeats: int) -> dict:
    """triage_many with and without a directory, alternating so that both see the same machine.

    Each repeat times both on the same texts, by the wall clock and by this process's CPU time;
    on a shared machine the CPU time moves far less with what else runs.
    """
    directory = load_directory(None if where == "example" else where)
    named = triager.with_directory(directory)
    named.triage_many(texts[:100])
    runs: dict[str, dict[str, list[float]]] = {"plain": {"wall": [], "cpu": []}, "named": {"wall": [], "cpu": []}}
    for _ in range(repeats):
        for name, which in (("plain", triager), ("named", named)):
            wall, cpu = time.perf_counter(), time.process_time()
            which.triage_many(texts)
            runs[name]["wall"].append(len(texts) / (time.perf_counter() - wall))
            runs[name]["cpu"].append((time.process_time() - cpu) / len(texts) * 1e6)
    med = {name: {k: statistics.median(v) for k, v in r.items()} for name, r in runs.items()}
    places = sum(r.place is not None for r in named.triage_many(texts[:2000]))
    return {"directory": directory.source, "compounds": len(directory.compounds), "repeats": repeats,
            "plain_texts_per_s": round(med["plain"]["wall"]), "named_texts_per_s": round(med["named"]["wall"]),
            "cost_ratio_plain_over_named": round(med["plain"]["wall"] / med["named"]["wall"], 3),
            "plain_cpu_us_per_text": round(med["plain"]["cpu"], 1),
            "named_cpu_us_per_text": round(med["named"]["cpu"], 1),
            "cpu_cost_ratio": round(med["named"]["cpu"] / med["plain"]["cpu"], 3),
            "plain_runs": [round(r) for r in runs["plain"]["wall"]],
            "named_runs": [round(r) for r in runs["named"]["wall"]],
            "texts_with_a_place_of_2000": places}


if __name__ == "__main__":
    main()

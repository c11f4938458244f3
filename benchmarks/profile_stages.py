"""Where the time of triage_many goes, stage by stage, on the benchmark texts (not a test: run it, read the table).

Each stage is timed on the same batch of texts, as triage_many runs it: normalisation, each
feature part (the word part's tokenising is also timed on its own), the stacked heads, and the
decision step (safety rules, cues and routing, explanation), whose parts are timed by wrapping
the calls the decision makes. Medians of ``--repeats`` runs; the share is of the sum of stages.

    .venv/bin/python benchmarks/profile_stages.py --texts 5000 --repeats 5 [--cpu]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import numpy as np
from bench_core import sample_texts

from service.settings import Settings
from triage import Triager
from triage.model.ngrams import tfidf_rows
from triage.triager import _prepare


def clock_now() -> float:
    """Wall time, or with ``--cpu`` this process's CPU time (steadier on a machine shared with other
    work: time spent waiting for a core is not counted)."""
    return _CLOCK[0]()


_CLOCK = [time.perf_counter]


def timed(fn, *args):
    start = clock_now()
    out = fn(*args)
    return out, clock_now() - start


class Clock:
    """Wraps a method so each call adds its time to a stage."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)

    def wrap(self, owner: object, name: str, stage: str) -> None:
        inner = getattr(owner, name)

        def clocked(*args, **kwargs):
            start = clock_now()
            try:
                return inner(*args, **kwargs)
            finally:
                self.spent[stage] += clock_now() - start

        object.__setattr__(owner, name, clocked)  # frozen dataclasses too: this run only


def profile_once(triager: Triager, texts: list[str], clock: Clock) -> dict[str, float]:
    model = triager.model
    stages: dict[str, float] = {}
    clean, stages["normalise"] = timed(lambda: [_prepare(t, i) for i, t in enumerate(texts)])
    parts = model.features  # a CompactModel: [(name, NgramIndex)]
    for name, part in parts:
        if getattr(part, "tokenizer", None) is not None:
            _, stages[f"tokenise ({name})"] = timed(lambda p=part: [p.tokenizer(t) for t in clean])
        _, stages[f"features: {name} (finding n-grams)"] = timed(part.hits, clean)
    Z, whole_features = timed(tfidf_rows, [part for _, part in parts], clean, np.float32)
    stages["features: counting and weighing (all parts)"] = whole_features - sum(
        stages[f"features: {name} (finding n-grams)"] for name, _ in parts)
    _, stages["heads (one stacked product)"] = timed(model.heads.predict_proba, Z)
    predictions = model.predict_normalized(clean)
    clock.spent.clear()
    _, decide = timed(triager.decide, clean, predictions, texts)
    inside = dict(clock.spent)
    stages.update(inside)
    rest = "decide: the rest (the one pass for cues and rules, explanation, review, quoting)"
    stages[rest] = decide - sum(inside.values())
    # the word part's n-gram finding includes its tokenising: report the rest alone
    for name, _ in parts:
        if f"tokenise ({name})" in stages:
            stages[f"features: {name} (finding n-grams)"] -= stages[f"tokenise ({name})"]
    return stages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=5_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--cpu", action="store_true", help="time with the process's CPU time, not wall time")
    args = parser.parse_args()
    if args.cpu:
        _CLOCK[0] = time.process_time
    texts = sample_texts(args.texts)
    triager = Triager.load(models_dir=Settings().models_dir)
    triager.triage_many(texts[:200])  # build the fast paths and caches first
    clock = Clock()
    clock.wrap(triager.rules, "apply", "decide: safety rules (scope included)")
    clock.wrap(triager.router, "route", "decide: routing policy")
    clock.wrap(triager.cues, "lazy", "decide: cue lookup")
    runs = [profile_once(triager, texts, clock) for _ in range(args.repeats)]
    medians = {stage: statistics.median(run[stage] for run in runs) for stage in runs[0]}
    total = sum(medians.values())
    _, whole = timed(triager.triage_many, texts)
    print(f"{len(texts)} texts, medians of {args.repeats} runs; triage_many on the same texts: "
          f"{whole * 1000:.0f} ms ({len(texts) / whole:.0f} texts/s)\n")
    print("| stage | ms per batch | µs per text | share |")
    print("|---|---:|---:|---:|")
    for stage, seconds in sorted(medians.items(), key=lambda kv: -kv[1]):
        print(f"| {stage} | {seconds * 1000:.1f} | {seconds / len(texts) * 1e6:.1f} | {seconds / total:.0%} |")


if __name__ == "__main__":
    main()

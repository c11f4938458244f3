"""Finding a directory's compound names in texts: one Aho-Corasick automaton (ahocorasick-rs, what
triage.dispatch.places uses) against one compiled regular-expression alternation of the same names.

    .venv/bin/python benchmarks/bench_aliases.py [--names 3000] [--texts 2000] [--repeats 5]

The names are made up (two to four common characters and a compound suffix, in all the forms
triage.dispatch.names.variants gives); the texts are the benchmark's corpus texts with one name put
into every fourth. Prints the medians of µs per text for both, the build times, and checks both
find the same names.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from pathlib import Path

import ahocorasick_rs

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_core import sample_texts

from triage.dispatch.names import variants

_CHARACTERS = "金水阳光花园锦绣华庭翠湖山庄明珠东方新城文化路北苑南苑和平幸福家园丽景湾星河盛世龙腾御府"
_SUFFIXES = ("小区", "花园", "家属院", "号院", "新村", "苑")


def made_up_names(n: int, rng: random.Random) -> list[str]:
    names: set[str] = set()
    while len(names) < n:
        stem = "".join(rng.choice(_CHARACTERS) for _ in range(rng.randint(2, 4)))
        names.add(stem + rng.choice(_SUFFIXES))
    return sorted(names)


def median_us(fn, texts: list[str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for t in texts:
            fn(t)
        times.append((time.perf_counter() - start) / len(texts) * 1e6)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=3000)
    parser.add_argument("--texts", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(0)
    names = made_up_names(args.names, rng)
    forms = sorted({form for name in names for form in variants(name)}, key=len, reverse=True)
    texts = [t if i % 4 else t[:40] + rng.choice(names) + t[40:] for i, t in enumerate(sample_texts(args.texts))]

    start = time.perf_counter()
    automaton = ahocorasick_rs.AhoCorasick(forms)
    automaton_build = time.perf_counter() - start
    start = time.perf_counter()
    regex = re.compile("|".join(map(re.escape, forms)))
    regex_build = time.perf_counter() - start

    def by_automaton(text: str) -> set[str]:
        return {forms[i] for i, _, _ in automaton.find_matches_as_indexes(text, overlapping=True)}

    def by_regex(text: str) -> set[str]:
        return set(regex.findall(text))

    # the regex finds leftmost non-overlapping matches, the automaton every match: compare what each text names
    agree = sum(by_regex(t) <= by_automaton(t) for t in texts) / len(texts)
    print(json.dumps({
        "names": len(names), "forms": len(forms), "texts": len(texts), "repeats": args.repeats,
        "automaton_us_per_text": round(median_us(by_automaton, texts, args.repeats), 1),
        "regex_us_per_text": round(median_us(by_regex, texts, args.repeats), 1),
        "automaton_build_s": round(automaton_build, 3), "regex_build_s": round(regex_build, 3),
        "regex_matches_found_by_automaton": round(agree, 4),
    }, indent=1))


if __name__ == "__main__":
    main()

"""A synthetic backlog export for the tagging benchmark, recombined from the training corpus.

    .venv/bin/python benchmarks/backlog.py backlog.csv --rows 200000

Each row's detail is a corpus text with clauses from another text of the same category
spliced in, an opener the call-takers use, and digits varied, so the rows are as long and
as varied as real exports without repeating one text. The columns are those of a 12345
work-order export: 工单编号, 来电时间 (over 28 days), 留言主题, 留言详情, 所属街道. About one
row in 500 has an empty detail (a bad row). Never built from the dev set.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
from datetime import datetime, timedelta
from pathlib import Path

from training.data import load_corpus

OPENERS = ("", "", "市民来电反映：", "来电人称：", "网友留言：", "市民反映，", "")
STREETS = ("枫桥街道", "城关镇", "东湖街道", "南苑街道", "新华街道", "滨江街道", "北站街道", "西城街道")
SUBJECTS = {"water": "供水问题", "gas": "燃气问题", "drainage": "排水问题", "parking": "停车问题",
            "lighting": "路灯照明", "other": "其他诉求"}
_CLAUSE = re.compile(r"(?<=[，。！？；])")


def _vary(text: str, rng: random.Random) -> str:
    return re.sub(r"\d+", lambda m: str(max(1, int(m.group()) + rng.randint(-2, 5))), text)


def backlog_rows(n: int, seed: int = 0):
    """Yield n rows (dicts) of a realistic export."""
    rng = random.Random(seed)
    by_category: dict[str, list[str]] = {}
    for row in load_corpus():
        by_category.setdefault(row["category"], []).append(row["text"])
    categories = sorted(by_category)
    start = datetime(2026, 10, 1, 7, 0)
    for i in range(n):
        category = rng.choice(categories)
        pool = by_category[category]
        clauses = [c for c in _CLAUSE.split(rng.choice(pool)) if c]
        if rng.random() < 0.5:
            other = [c for c in _CLAUSE.split(rng.choice(pool)) if c]
            clauses[rng.randrange(len(clauses) + 1):0] = other[: rng.randint(1, 3)]
        detail = rng.choice(OPENERS) + _vary("".join(clauses), rng)
        if rng.random() < 0.002:
            detail = ""
        when = start + timedelta(minutes=int(i * 28 * 24 * 60 / max(n, 1)) + rng.randint(0, 59))
        yield {"工单编号": f"GD{seed:02d}{i:08d}", "来电时间": when.strftime("%Y-%m-%d %H:%M"),
               "留言主题": SUBJECTS[category] if rng.random() < 0.7 else "", "留言详情": detail,
               "所属街道": rng.choice(STREETS)}


def write_backlog(path: str | Path, n: int, seed: int = 0) -> Path:
    """Write n rows to a UTF-8 CSV file (quoted where needed, as Excel exports are)."""
    path = Path(path)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = None
        for row in backlog_rows(n, seed):
            if writer is None:
                writer = csv.DictWriter(f, fieldnames=list(row))
                writer.writeheader()
            writer.writerow(row)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    write_backlog(args.path, args.rows, args.seed)


if __name__ == "__main__":
    main()

"""Writing the fixed train/held-out split into the corpus files."""

from __future__ import annotations

import json
from pathlib import Path

from .data import assign_splits, corpus_files, load_jsonl

__all__ = ["write_splits"]


def write_splits(corpus_dir: str | Path | None = None, heldout: float = 0.15) -> int:
    """Assign a split to every row that has none, across all files, and rewrite the files that changed."""
    files = {path: load_jsonl(path) for path in corpus_files(corpus_dir)}
    rows = [row for rows in files.values() for row in rows]
    assigned = assign_splits(rows, heldout)
    if assigned:
        for path, file_rows in files.items():
            lines = [json.dumps({k: v for k, v in row.items() if k != "_where"}, ensure_ascii=False)
                     for row in file_rows]
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return assigned

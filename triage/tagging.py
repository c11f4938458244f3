"""Batch tagging of a file: stream records, triage them in chunks, write results and an errors file."""

from __future__ import annotations

import json
import multiprocessing
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, Any

from .io import OUTPUT_FIELDS, Record, open_writer, read_records
from .triager import Triager

__all__ = ["TagSummary", "errors_path_for", "tag_file"]


@dataclass
class TagSummary:
    rows: int
    tagged: int
    errors: int
    seconds: float
    errors_path: Path | None

    @property
    def rate(self) -> float:
        return self.tagged / self.seconds if self.seconds else 0.0


def errors_path_for(output: str | Path) -> Path:
    """Where bad rows go unless told otherwise: OUTPUT's name with ``.errors.jsonl``."""
    output = Path(output)
    return output.with_name(output.stem + ".errors.jsonl")


def _chunks(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    it = iter(records)
    while chunk := list(islice(it, size)):
        yield chunk


_WORKER_TRIAGER: Triager | None = None  # set in the parent before worker processes fork


def _labels(texts: list[str]) -> list[dict[str, Any]]:
    """The output fields for a chunk of texts (small and picklable, so workers can return them)."""
    assert _WORKER_TRIAGER is not None
    return [{f: getattr(r, f) for f in OUTPUT_FIELDS} for r in _WORKER_TRIAGER.triage_many(texts)]


def tag_file(triager: Triager, source: str | Path, output: str | Path, *, text_column: str = "text",
             id_column: str | None = "id", encoding: str | None = None, errors_path: str | Path | None = None,
             batch_size: int = 512, jobs: int = 1, progress: Callable[[int], None] | None = None) -> TagSummary:
    """Tag every row of ``source`` into ``output``; rows that cannot be tagged go to the errors file.

    With ``jobs`` > 1, chunks are triaged by that many forked worker processes (sharing the
    loaded model) while this process reads and writes; at most two chunks per worker are in
    flight, so memory stays constant, and rows are written in input order, exactly as with
    ``jobs=1``. The errors file holds the line number, the id (when there is one) and the
    reason, never the text.
    """
    global _WORKER_TRIAGER
    started = time.perf_counter()
    errors_path = Path(errors_path) if errors_path else errors_path_for(output)
    rows = tagged = errors = 0
    stream, writer = open_writer(output)
    error_stream: IO[str] | None = None  # opened on the first bad row only

    def write(chunk: list[Record], labels: list[dict[str, Any]]) -> None:
        nonlocal rows, tagged, errors, error_stream
        by_line = dict(zip((r.line for r in chunk if r.text is not None), labels, strict=True))
        for record in chunk:
            rows += 1
            label = by_line.get(record.line)
            if label is not None:
                writer.write({**record.row, **label})
                tagged += 1
                continue
            if error_stream is None:
                error_stream = open(errors_path, "w", encoding="utf-8")  # noqa: SIM115 (closed below)
            error = {"line": record.line, "reason": record.problem}
            if id_column and id_column in record.row:
                error["id"] = record.row[id_column]
            error_stream.write(json.dumps(error, ensure_ascii=False, default=str) + "\n")
            errors += 1
        if progress:
            progress(len(chunk))

    def texts_of(chunk: list[Record]) -> list[str]:
        return [r.text for r in chunk if r.text is not None]

    chunks = _chunks(read_records(source, text_column=text_column, encoding=encoding), batch_size)
    _WORKER_TRIAGER = triager
    try:
        if jobs <= 1:
            for chunk in chunks:
                write(chunk, _labels(texts_of(chunk)))
        else:
            with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
                pending: deque = deque()
                for chunk in chunks:
                    pending.append((chunk, pool.submit(_labels, texts_of(chunk))))
                    if len(pending) >= 2 * jobs:
                        done, future = pending.popleft()
                        write(done, future.result())
                while pending:
                    done, future = pending.popleft()
                    write(done, future.result())
    finally:
        _WORKER_TRIAGER = None
        stream.close()
        if error_stream is not None:
            error_stream.close()
    return TagSummary(rows=rows, tagged=tagged, errors=errors, seconds=time.perf_counter() - started,
                      errors_path=errors_path if errors else None)

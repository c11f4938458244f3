"""Batch tagging of a file: stream records, triage them in chunks, write results and an errors file."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

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


def tag_file(triager: Triager, source: str | Path, output: str | Path, *, text_column: str = "text",
             id_column: str | None = "id", encoding: str | None = None, errors_path: str | Path | None = None,
             batch_size: int = 512, progress: Callable[[int], None] | None = None) -> TagSummary:
    """Tag every row of ``source`` into ``output``; rows that cannot be tagged go to the errors file.

    The errors file holds the line number, the id (when there is one) and the reason, never the text.
    """
    started = time.perf_counter()
    errors_path = Path(errors_path) if errors_path else errors_path_for(output)
    rows = tagged = errors = 0
    stream, writer = open_writer(output)
    error_stream = None
    try:
        for chunk in _chunks(read_records(source, text_column=text_column, encoding=encoding), batch_size):
            good = [r for r in chunk if r.text is not None]
            results = triager.triage_many([r.text for r in good]) if good else []
            by_line = dict(zip((r.line for r in good), results, strict=True))
            for record in chunk:
                rows += 1
                result = by_line.get(record.line)
                if result is None:
                    if error_stream is None:
                        error_stream = open(errors_path, "w", encoding="utf-8")  # noqa: SIM115
                    error = {"line": record.line, "reason": record.problem}
                    if id_column and id_column in record.row:
                        error["id"] = record.row[id_column]
                    error_stream.write(json.dumps(error, ensure_ascii=False, default=str) + "\n")
                    errors += 1
                    continue
                out = dict(record.row)
                values = result.as_dict()
                out.update({f: values[f] for f in OUTPUT_FIELDS})
                writer.write(out)
                tagged += 1
            if progress:
                progress(len(chunk))
    finally:
        stream.close()
        if error_stream is not None:
            error_stream.close()
    return TagSummary(rows=rows, tagged=tagged, errors=errors, seconds=time.perf_counter() - started,
                      errors_path=errors_path if errors else None)

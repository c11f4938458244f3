"""Streaming input for batch tagging: JSONL, CSV (UTF-8 or GBK), XLSX and Parquet.

Readers yield one :class:`Record` at a time, so a file of any size is read in
constant memory. Parquet needs pyarrow (``pip install '.[dask]'``).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError

__all__ = ["INPUT_FORMATS", "OUTPUT_FIELDS", "Record", "count_records", "detect_encoding", "output_format",
           "read_records"]

#: The fields tagging adds to each row; ``cues`` holds the words behind the urgency and route rules.
OUTPUT_FIELDS = ("category", "categories", "urgency", "route", "route_name", "confidence", "needs_review", "cues")
INPUT_FORMATS = (".jsonl", ".csv", ".xlsx", ".parquet")
OUTPUT_FORMATS = (".jsonl", ".csv")


@dataclass
class Record:
    """One input row: where it came from, its columns, and its text (None with a reason when unusable)."""

    line: int
    row: dict[str, Any]
    text: str | None
    problem: str | None = None


def _suffix(path: Path, allowed: tuple[str, ...], what: str) -> str:
    suffix = path.suffix.lower()
    if suffix not in allowed:
        raise InputError(f"{path}: {what} must be one of {', '.join(allowed)} (got {suffix or 'no extension'!r})")
    return suffix


def detect_encoding(path: str | Path, sample_bytes: int = 1 << 16) -> str:
    """UTF-8 (with or without BOM) when the sample decodes as such, else the best guess (usually GBK)."""
    with open(path, "rb") as f:
        sample = f.read(sample_bytes)
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as e:
        if e.start > len(sample) - 4:  # a character cut by the sample's end
            return "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    guess = (best.encoding if best else "gb18030").lower()
    # GBK files are read as GB18030, its superset, so rare characters do not fail.
    return "gb18030" if guess in {"gbk", "gb2312", "gb18030", "cp936", "big5"} else guess


def _text_of(row: dict[str, Any], text_column: str) -> tuple[str | None, str | None]:
    parts = []
    for column in text_column.split(","):
        if column not in row:
            return None, f"no column {column!r}"
        value = row[column]
        if value is None:
            continue
        if not isinstance(value, str | int | float):
            return None, f"column {column!r} is not text"
        parts.append(str(value).strip())
    text = " ".join(p for p in parts if p)
    return (text, None) if text else (None, "empty text")


def read_records(path: str | Path, *, text_column: str = "text", encoding: str | None = None) -> Iterator[Record]:
    """Yield every row of a .jsonl, .csv or .xlsx file; unusable rows come with a ``problem``."""
    path = Path(path)
    suffix = _suffix(path, INPUT_FORMATS, "the input file")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if suffix == ".jsonl":
        yield from _read_jsonl(path, text_column, encoding or "utf-8-sig")
    elif suffix == ".csv":
        yield from _read_csv(path, text_column, encoding or detect_encoding(path))
    elif suffix == ".xlsx":
        yield from _read_xlsx(path, text_column)
    else:
        yield from _read_parquet(path, text_column)


def _read_jsonl(path: Path, text_column: str, encoding: str) -> Iterator[Record]:
    with open(path, "rb") as f:
        for n, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw.decode(encoding))
            except UnicodeDecodeError:
                yield Record(n, {}, None, f"not valid {encoding}")
                continue
            except json.JSONDecodeError as e:
                yield Record(n, {}, None, f"not JSON: {e.msg}")
                continue
            if not isinstance(row, dict):
                yield Record(n, {}, None, "not a JSON object")
                continue
            text, problem = _text_of(row, text_column)
            yield Record(n, row, text, problem)


def _read_csv(path: Path, text_column: str, encoding: str) -> Iterator[Record]:
    try:
        f = open(path, encoding=encoding, errors="strict", newline="")  # noqa: SIM115 (closed below)
    except LookupError:
        raise InputError(f"{path}: unknown encoding {encoding!r}") from None
    with f:
        reader = csv.reader(f)
        try:
            header = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise InputError(f"{path}: cannot decode the header as {encoding}; try --encoding gbk") from None
        header = [h.strip() for h in header]
        for column in text_column.split(","):
            if column not in header:
                raise InputError(f"{path}: no column {column!r}; the columns are {header}. Use --text-column.")
        while True:
            line = reader.line_num + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                raise InputError(f"{path}: line {line}: not valid {encoding}; try --encoding gbk") from None
            except csv.Error as e:
                yield Record(line, {}, None, f"unreadable CSV: {e}")
                continue
            if not any(v.strip() for v in values):
                continue
            row = dict(zip(header, values, strict=False))
            if len(values) != len(header):
                yield Record(line, row, None, f"{len(values)} fields where the header has {len(header)}")
                continue
            text, problem = _text_of(row, text_column)
            yield Record(line, row, text, problem)


def _read_xlsx(path: Path, text_column: str) -> Iterator[Record]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:
        raise InputError(f"{path}: cannot open as an Excel workbook: {e}") from e
    try:
        rows = book.active.iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
        for column in text_column.split(","):
            if column not in header:
                raise InputError(f"{path}: no column {column!r}; the columns are {header}. Use --text-column.")
        for n, values in enumerate(rows, 2):
            if not any(v is not None and str(v).strip() for v in values):
                continue
            row = {h: v for h, v in zip(header, values, strict=False) if h}
            text, problem = _text_of(row, text_column)
            yield Record(n, row, text, problem)
    finally:
        book.close()


def _read_parquet(path: Path, text_column: str) -> Iterator[Record]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(f"{path}: reading Parquet needs pyarrow: pip install '.[dask]'") from None
    try:
        table = pq.ParquetFile(path)
    except Exception as e:
        raise InputError(f"{path}: cannot open as a Parquet file: {e}") from e
    header = table.schema_arrow.names
    for column in text_column.split(","):
        if column not in header:
            raise InputError(f"{path}: no column {column!r}; the columns are {header}. Use --text-column.")
    n = 0
    for batch in table.iter_batches(batch_size=4096):
        for row in batch.to_pylist():
            n += 1
            text, problem = _text_of(row, text_column)
            yield Record(n, row, text, problem)


def count_records(path: str | Path, encoding: str | None = None) -> int | None:
    """A quick row count for progress bars (None for formats where it is not cheap)."""
    path = Path(path)
    if path.suffix.lower() == ".jsonl":
        with open(path, "rb") as f:
            return sum(1 for line in f if line.strip())
    if path.suffix.lower() == ".csv":
        with open(path, encoding=encoding or detect_encoding(path), errors="replace", newline="") as f:
            return max(sum(1 for _ in csv.reader(f)) - 1, 0)
    return None


def output_format(path: str | Path) -> str:
    """The output's format from its name (``.jsonl`` or ``.csv``); anything else is an InputError."""
    return _suffix(Path(path), OUTPUT_FORMATS, "the output file")

"""Streaming input for batch tagging: JSONL, CSV (UTF-8 or GBK, see :mod:`triage.batch.encodings`), XLSX and Parquet.

:func:`open_rows` streams a file as cheap raw items (CSV fields, JSONL lines) and a
:class:`RecordDecoder` that turns each into a :class:`Record`; :func:`read_records` does
both. One row at a time, so a file of any size is read in constant memory. Parquet needs
pyarrow (``pip install '.[dask]'``).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..errors import InputError
from .encodings import csv_encoding, detect_encoding

__all__ = ["INPUT_FORMATS", "OUTPUT_FIELDS", "UNIT_FIELDS", "Record", "RecordDecoder", "count_records", "csv_encoding",
           "detect_encoding", "open_rows", "output_format", "read_records"]

#: The fields tagging adds to each row; ``cues`` holds the words behind the urgency and route rules.
OUTPUT_FIELDS = ("category", "categories", "urgency", "route", "route_name", "confidence", "needs_review", "cues")
#: The fields added when the Triager names units from a dispatch directory: the unit and the place's words.
UNIT_FIELDS = ("unit_code", "unit_name", "place")
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


Item = tuple[int, Any]  # a raw row from open_rows: (line number, fields or a reason it is unreadable)


@dataclass(frozen=True)
class RecordDecoder:
    """Makes the :class:`Record` of one raw item from :func:`open_rows`.

    Small and picklable: the process reading a file ships cheap raw items (CSV field lists,
    JSONL lines) and worker processes decode them, so reading is not the bottleneck of ``-j N``.
    """

    fmt: str
    text_column: str
    header: tuple[str, ...] = ()
    encoding: str | None = None  # how a .csv or .jsonl file's bytes are read (None for .xlsx and .parquet)

    def __call__(self, item: Item) -> Record:
        line, raw = item
        if self.fmt == ".csv":
            if isinstance(raw, str):
                return Record(line, {}, None, raw)
            row = dict(zip(self.header, raw, strict=False))
            if len(raw) != len(self.header):
                return Record(line, row, None, f"{len(raw)} fields where the header has {len(self.header)}")
        elif self.fmt == ".jsonl":
            try:
                row = json.loads(raw.decode(self.encoding))
            except UnicodeDecodeError:
                return Record(line, {}, None, f"not valid {self.encoding}")
            except json.JSONDecodeError as e:
                return Record(line, {}, None, f"not JSON: {e.msg}")
            if not isinstance(row, dict):
                return Record(line, {}, None, "not a JSON object")
        elif self.fmt == ".xlsx":
            row = {h: v for h, v in zip(self.header, raw, strict=False) if h}
        else:
            row = raw
        text, problem = _text_of(row, self.text_column)
        return Record(line, row, text, problem)


@contextmanager
def open_rows(path: str | Path, *, text_column: str = "text",
              encoding: str | None = None) -> Iterator[tuple[RecordDecoder, Iterator[Item]]]:
    """Open a .jsonl, .csv, .xlsx or .parquet file as its decoder and its raw ``(line, item)`` stream.

    The header is read and the text columns checked on entering, so a wrong ``text_column``
    fails at once; the file is closed on leaving. Blank rows are skipped; every other row is
    one item, including those that decode to a Record with a ``problem``.
    """
    path = Path(path)
    suffix = _suffix(path, INPUT_FORMATS, "the input file")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if suffix == ".jsonl":
        with open(path, "rb") as f:
            yield RecordDecoder(suffix, text_column, encoding=encoding or "utf-8-sig"), _jsonl_items(f)
    elif suffix == ".csv":
        with _csv_rows(path, text_column, csv_encoding(path, encoding)) as opened:
            yield opened
    elif suffix == ".xlsx":
        with _xlsx_rows(path, text_column) as opened:
            yield opened
    else:
        with _parquet_rows(path, text_column) as opened:
            yield opened


def read_records(path: str | Path, *, text_column: str = "text", encoding: str | None = None) -> Iterator[Record]:
    """Yield every row of a .jsonl, .csv, .xlsx or .parquet file; unusable rows come with a ``problem``."""
    with open_rows(path, text_column=text_column, encoding=encoding) as (decoder, items):
        yield from map(decoder, items)


def _check_columns(path: Path, header: list[str], text_column: str) -> None:
    for column in text_column.split(","):
        if column not in header:
            raise InputError(f"{path}: no column {column!r}; the columns are {header}. Use --text-column.")


def _jsonl_items(f: IO[bytes]) -> Iterator[Item]:
    for n, raw in enumerate(f, 1):
        if raw.strip():
            yield n, raw


@contextmanager
def _csv_rows(path: Path, text_column: str, encoding: str) -> Iterator[tuple[RecordDecoder, Iterator[Item]]]:
    with open(path, encoding=encoding, errors="strict", newline="") as f:
        reader = csv.reader(f)
        try:
            header = [h.strip() for h in next(reader)]
            if header:  # a BOM read by an encoding that keeps it (utf-8 rather than utf-8-sig)
                header[0] = header[0].lstrip("\ufeff").strip()
        except StopIteration:
            header = []
        except UnicodeDecodeError:
            raise InputError(f"{path}: cannot decode the header as {encoding}; try --encoding gbk") from None
        if header:
            _check_columns(path, header, text_column)
        yield (RecordDecoder(".csv", text_column, tuple(header), encoding),
               _csv_items(path, reader, encoding, bool(header)))


def _csv_items(path: Path, reader: Any, encoding: str, has_header: bool) -> Iterator[Item]:
    """``(line, fields)`` per CSV record, or ``(line, reason)`` where the CSV cannot be parsed."""
    while has_header:
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise InputError(f"{path}: line {line}: not valid {encoding}; try --encoding gbk") from None
        except csv.Error as e:
            yield line, f"unreadable CSV: {e}"
            continue
        if any(map(str.strip, values)):
            yield line, values


@contextmanager
def _xlsx_rows(path: Path, text_column: str) -> Iterator[tuple[RecordDecoder, Iterator[Item]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:
        raise InputError(f"{path}: cannot open as an Excel workbook: {e}") from e
    try:
        rows = book.active.iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
        _check_columns(path, header, text_column)
        items = ((n, values) for n, values in enumerate(rows, 2)
                 if any(v is not None and str(v).strip() for v in values))
        yield RecordDecoder(".xlsx", text_column, tuple(header)), items
    finally:
        book.close()


@contextmanager
def _parquet_rows(path: Path, text_column: str) -> Iterator[tuple[RecordDecoder, Iterator[Item]]]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(f"{path}: reading Parquet needs pyarrow: pip install '.[dask]'") from None
    try:
        table = pq.ParquetFile(path)
    except Exception as e:
        raise InputError(f"{path}: cannot open as a Parquet file: {e}") from e
    with table:
        header = table.schema_arrow.names
        _check_columns(path, header, text_column)
        rows = (row for batch in table.iter_batches(batch_size=4096) for row in batch.to_pylist())
        yield RecordDecoder(".parquet", text_column, tuple(header)), enumerate(rows, 1)


def count_records(path: str | Path, encoding: str | None = None) -> int | None:
    """A quick row count for progress bars (None for formats where it is not cheap)."""
    path = Path(path)
    if path.suffix.lower() == ".jsonl":
        with open(path, "rb") as f:
            return sum(1 for line in f if line.strip())
    if path.suffix.lower() == ".csv":  # the records open_rows yields: blank ones are skipped
        with open(path, encoding=encoding or detect_encoding(path), errors="replace", newline="") as f:
            return max(sum(1 for values in csv.reader(f) if any(map(str.strip, values))) - 1, 0)
    return None


def output_format(path: str | Path) -> str:
    """The output's format from its name (``.jsonl`` or ``.csv``); anything else is an InputError."""
    return _suffix(Path(path), OUTPUT_FORMATS, "the output file")

"""Reading a dispatch directory: a folder of two CSV files, or one XLSX workbook with two sheets.

``units.csv`` (sheet ``units``) and ``compounds.csv`` (sheet ``compounds``), columns as in
``triage/data/directory_example/README.md``. Everything is checked before anything is used, and
every problem is reported, each naming the file (or sheet) and the row as a spreadsheet numbers
it (the header is row 1).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from ..datafiles import default_data_path
from ..errors import DirectoryError
from .directory import Directory
from .validate import Row, build_directory

__all__ = ["COMPOUND_COLUMNS", "UNIT_COLUMNS", "load_directory", "read_rows"]

UNIT_COLUMNS: tuple[str, ...] = ("code", "name", "kind", "parent", "contact", "routes", "area")
COMPOUND_COLUMNS: tuple[str, ...] = ("code", "name", "kind", "aliases", "manager", "community", "subdistrict",
                                     "addresses")
_REQUIRED = {"units": ("code", "name", "kind"), "compounds": ("code", "name", "kind", "community")}


def load_directory(path: str | Path | None = None) -> Directory:
    """The directory in ``path`` (a folder with units.csv and compounds.csv, or an .xlsx workbook with sheets
    units and compounds); default: the shipped example district. Raises DirectoryError listing every problem."""
    path = Path(path) if path else default_data_path("directory_example")
    units, compounds = read_rows(path)
    return build_directory(units, compounds, source=str(path))


def read_rows(path: Path) -> tuple[list[Row], list[Row]]:
    """The rows of both tables, each with the place it came from (for error messages)."""
    if path.is_dir():
        return (_csv_rows(path / "units.csv", "units"), _csv_rows(path / "compounds.csv", "compounds"))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    if not path.exists():
        raise DirectoryError(f"{path}: no such file or folder")
    raise DirectoryError(f"{path}: expected a folder with units.csv and compounds.csv, or an .xlsx workbook")


def _csv_rows(path: Path, table: str) -> list[Row]:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise DirectoryError(f"{path}: cannot read: {e.strerror}") from e
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DirectoryError(f"{path}: not UTF-8 (save the sheet as CSV UTF-8)") from None
    reader = csv.reader(io.StringIO(text))
    return _rows(reader, str(path), table)


def _xlsx_rows(path: Path) -> tuple[list[Row], list[Row]]:
    from openpyxl import load_workbook  # a core dependency; imported here so plain CSV users never load it

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises zipfile, KeyError and its own errors for broken files
        raise DirectoryError(f"{path}: not a readable .xlsx workbook: {e}") from None
    try:
        for table in ("units", "compounds"):
            if table not in book.sheetnames:
                raise DirectoryError(f"{path}: no sheet named {table!r} (sheets: {', '.join(book.sheetnames)})")
        out = []
        for table in ("units", "compounds"):
            values = ([_cell(v) for v in row] for row in book[table].iter_rows(values_only=True))
            out.append(_rows(values, f"{path} sheet {table}", table))
        return out[0], out[1]
    finally:
        book.close()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows(lines: Iterable[list[str]], where: str, table: str) -> list[Row]:
    lines = iter(lines)
    header = [h.strip() for h in next(lines, [])]
    missing = [c for c in _REQUIRED[table] if c not in header]
    if missing:
        raise DirectoryError(f"{where}: row 1: missing column(s) {', '.join(missing)} (found: {', '.join(header)})")
    known = UNIT_COLUMNS if table == "units" else COMPOUND_COLUMNS
    unknown = [h for h in header if h and h not in known]
    if unknown:
        raise DirectoryError(f"{where}: row 1: unknown column(s) {', '.join(unknown)} (known: {', '.join(known)})")
    rows = []
    for number, values in enumerate(lines, start=2):
        if not any(str(v).strip() for v in values):
            continue
        fields = {h: str(v).strip() for h, v in zip(header, values, strict=False) if h}
        rows.append(Row(where=f"{where}: row {number}", fields={c: fields.get(c, "") for c in known}))
    return rows

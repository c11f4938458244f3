"""Writing a directory back out, as the files it is imported from (a CSV folder or an .xlsx workbook), contacts
masked: an export is handed around, and the phone numbers and names of contacts stay in the store."""

from __future__ import annotations

import csv
from pathlib import Path

from triage.dispatch import Directory
from triage.dispatch.loading import COMPOUND_COLUMNS, UNIT_COLUMNS
from triage.text.pii import mask_pii

from .directory import directory_rows

__all__ = ["write_directory"]


def write_directory(directory: Directory, path: Path, *, masked: bool = True) -> list[Path]:
    """Write ``directory`` to ``path``: an .xlsx workbook (sheets units, compounds) or a folder of units.csv
    and compounds.csv. Returns the files written."""
    units, compounds = directory_rows(directory)
    if masked:
        units = [{**u, "contact": mask_pii(u["contact"])} for u in units]
    tables = (("units", UNIT_COLUMNS, units), ("compounds", COMPOUND_COLUMNS, compounds))
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        book.remove(book.active)
        for name, columns, rows in tables:
            sheet = book.create_sheet(name)
            sheet.append(list(columns))
            for row in rows:
                sheet.append([row[c] for c in columns])
        path.parent.mkdir(parents=True, exist_ok=True)
        book.save(path)
        return [path]
    path.mkdir(parents=True, exist_ok=True)
    written = []
    for name, columns, rows in tables:
        target = path / f"{name}.csv"
        with open(target, "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(columns))
            writer.writeheader()
            writer.writerows(rows)
        written.append(target)
    return written

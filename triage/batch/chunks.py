"""One chunk of input records in, its output lines and error lines out: the unit of work of every engine.

The local engine's worker processes and the Dask engine's tasks both call :func:`tag_chunk`,
so the bytes written for a row do not depend on where it was triaged. Formatting happens
here, beside the model, so the process that reads and writes the files only moves bytes.

CSV output is opened by people in Excel, which runs a cell that starts with ``=``, ``+``,
``-`` or ``@`` (or a tab or carriage return before one) as a formula: such cells are
neutralised with a leading ``'``, as OWASP recommends for CSV injection, unless
``neutralise=False`` (output for programs). Only the written cell changes: the model reads
the original text. JSONL output is written as is.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import InputError
from ..triager import Triager, TriageResult
from .io import OUTPUT_FIELDS, UNIT_FIELDS, Record

__all__ = ["FORMULA_STARTS", "ChunkResult", "csv_cell", "cue_words", "header_text", "output_columns", "tag_chunk"]

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = frozenset("=+-@\t\r")


@dataclass
class ChunkResult:
    """The UTF-8 bytes to append to the output and to the errors file for one chunk, and its counts.

    Bytes, encoded where the chunk was formatted: the process that appends them only copies.
    """

    output: bytes
    errors: bytes
    rows: int
    tagged: int
    bad: int


def output_columns(row: dict[str, Any], units: bool = False) -> list[str]:
    """The output's columns for rows shaped like ``row``: its columns, then the triage fields (with ``units``,
    the named unit's too)."""
    return list(row) + [f for f in (*OUTPUT_FIELDS, *(UNIT_FIELDS if units else ())) if f not in row]


def csv_cell(value: Any, neutralise: bool = True) -> Any:
    """A value as written to a CSV cell: lists joined by ``|``, text a spreadsheet would run prefixed with ``'``."""
    if isinstance(value, list):
        value = "|".join(value)
    if neutralise and isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def header_text(columns: Sequence[str], fmt: str, *, neutralise: bool = True) -> str:
    """The first line of a CSV output (nothing for JSONL)."""
    if fmt != ".csv":
        return ""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([csv_cell(c, neutralise) for c in columns])
    return buffer.getvalue()


def cue_words(result: TriageResult) -> list[str]:
    """The words behind the urgency and route rules that fired, each once, in the order found."""
    words = list(result.explanation["urgency"].get("matched", ()))
    for found in result.explanation["route"].get("matched", {}).values():
        words.extend(found)
    return list(dict.fromkeys(words))


def _labels(result: TriageResult, units: bool) -> dict[str, Any]:
    fields = {f: getattr(result, f) for f in OUTPUT_FIELDS if f != "cues"}
    fields["cues"] = cue_words(result)
    if units:
        fields.update(unit_code=result.unit["code"] if result.unit else "",
                      unit_name=result.unit["name"] if result.unit else "",
                      place=result.place["span"] if result.place else "")
    return fields


def _triage(triager: Triager, records: list[Record]) -> list[dict[str, Any] | str]:
    """Labels for each record, or the reason it could not be triaged (one bad text never sinks a chunk)."""
    texts = [r.text for r in records]
    units = triager.directory is not None
    try:
        return [_labels(r, units) for r in triager.triage_many(texts)]
    except InputError:
        out: list[dict[str, Any] | str] = []
        for text in texts:
            try:
                out.append(_labels(triager.triage(text), units))  # type: ignore[arg-type]
            except InputError:
                out.append("no text left after normalisation")
        return out


def tag_chunk(triager: Triager, records: Sequence[Record], *, fmt: str, columns: Sequence[str] | None,
              id_column: str | None, neutralise: bool = True) -> ChunkResult:
    """Triage a chunk and format it: output rows in input order, bad rows as error lines.

    ``columns`` are the CSV output's columns (from :func:`output_columns`); JSONL rows keep their own.
    With ``neutralise``, CSV cells a spreadsheet would run as formulas are written with a leading ``'``.
    """
    good = [r for r in records if r.text is not None]
    labels = iter(_triage(triager, good) if good else [])
    output, errors = io.StringIO(), []
    writer = csv.DictWriter(output, fieldnames=list(columns or ()), extrasaction="ignore") if fmt == ".csv" else None
    tagged = 0
    for record in records:
        label = next(labels) if record.text is not None else record.problem
        if isinstance(label, dict):
            row = {**record.row, **label}
            if writer is None:
                output.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
            else:
                writer.writerow({k: csv_cell(v, neutralise) for k, v in row.items()})
            tagged += 1
            continue
        error: dict[str, Any] = {"line": record.line, "reason": label}
        if id_column and id_column in record.row:
            error["id"] = record.row[id_column]
        errors.append(json.dumps(error, ensure_ascii=False, default=str) + "\n")
    return ChunkResult(output=output.getvalue().encode("utf-8"), errors="".join(errors).encode("utf-8"),
                       rows=len(records), tagged=tagged, bad=len(errors))

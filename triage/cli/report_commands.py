"""Reports for operators: what a tagged backlog holds, as one HTML file to send upward."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import TriageError
from .common import app, fail


@app.command()
def report(
    tagged: Annotated[Path, typer.Argument(help="A file written by triage tag (.jsonl or .csv).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The HTML file to write.")] = Path("report.html"),
    date_column: Annotated[str | None, typer.Option(help="Column with the date, for the daily and weekly tables.")]
    = None,
) -> None:
    """Write counts by category × urgency × route, the share sent to review, the top cue words per category and,
    with --date-column, the daily register and weekly summary, with charts, into one self-contained HTML file.

    Example: triage report tagged.csv -o report.html --date-column 来电时间
    """
    from ..report import read_tagged, summarize
    from ..report_html import write_report

    try:
        summary = summarize(read_tagged(tagged), date_column=date_column)
        write_report(summary, output, source=tagged.name)
    except TriageError as e:
        fail(str(e))
    except OSError as e:
        fail(f"{e.filename}: {e.strerror}")
    except ValueError as e:  # a line of a .jsonl file that is not JSON
        fail(f"{tagged}: not a tagged file ({e})")
    message = f"report on {summary.rows} rows written to {output}"
    if summary.undated:
        message += f"; {summary.undated} rows without a readable date"
    typer.echo(message, err=True)

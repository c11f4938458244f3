"""Reports for operators: what a tagged backlog holds, as one HTML file to send upward."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from triage.errors import TriageError

from .common import fail, need_plots, report_app


@report_app.command("tagged")
def report(
    tagged: Annotated[Path, typer.Argument(help="A file written by triage tag (.jsonl or .csv).")],
    output: Annotated[Path, typer.Option("-o", "--output", metavar="PATH",
                                         help="The HTML file to write.")] = Path("report.html"),
    date_column: Annotated[str | None, typer.Option(metavar="COLUMN",
                                                    help="Column with the date, for the daily and weekly tables.")]
    = None,
    errors: Annotated[Path | None, typer.Option(
        metavar="FILE",
            help="The run's errors file, whose rows are counted and listed (default: TAGGED.errors.jsonl if there).")]
    = None,
) -> None:
    """Write counts by category × urgency × route, the share sent to review, the top cue words per category and,
    with --date-column, the daily register and weekly summary, with charts, into one self-contained HTML file.
    The rows triage tag could not tag (its errors file) are counted by reason and listed.

    Example: triage report tagged.csv -o report.html --date-column 来电时间 (or: triage report tagged tagged.csv …)
    """
    need_plots()
    from triage.batch.report import read_errors, read_tagged, summarize
    from triage.batch.report_html import write_report
    from triage.batch.tagging import errors_path_for

    if errors is None and errors_path_for(tagged).is_file():
        errors = errors_path_for(tagged)
    try:
        summary = summarize(read_tagged(tagged), date_column=date_column,
                            errors=read_errors(errors) if errors else ())
        write_report(summary, output, source=tagged.name, errors_name=errors.name if errors else "")
    except TriageError as e:
        fail(str(e))
    except OSError as e:
        fail(f"{e.filename}: {e.strerror}")
    except ValueError as e:  # a line of a .jsonl file that is not JSON
        fail(f"{tagged}: not a tagged file ({e})")
    message = f"report on {summary.rows} rows written to {output}"
    if summary.bad:
        message += f"; it lists {summary.bad} rows that could not be tagged, from {errors}"
    if summary.undated:
        message += f"; {summary.undated} rows without a readable date"
    typer.echo(message, err=True)

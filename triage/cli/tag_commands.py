"""Batch commands for operators: tag a file."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import TriageError
from .common import ModelsDir, app, fail, load_triager


@app.command()
def tag(
    source: Annotated[Path, typer.Argument(help="Input .jsonl, .csv, .xlsx or .parquet file.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Output .jsonl or .csv file.")],
    text_column: Annotated[str, typer.Option(help="Column with the text; several joined by commas.")] = "text",
    id_column: Annotated[str, typer.Option(help="Column with the row id (reported for bad rows).")] = "id",
    encoding: Annotated[str | None, typer.Option(help="CSV encoding (default: detected, UTF-8 or GBK).")] = None,
    errors: Annotated[Path | None, typer.Option(help="Where bad rows go (default: OUTPUT.errors.jsonl).")] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Rows per vectorised batch.")] = 512,
    jobs: Annotated[int | None, typer.Option("-j", "--jobs", min=1,
                                             help="Worker processes (default: every core).")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue an interrupted run from its checkpoint.")] = False,
    checkpoint_every: Annotated[float, typer.Option(min=0, help="Seconds between checkpoints.")] = 2.0,
    models: ModelsDir = None,
) -> None:
    """Tag every row of a file with category, categories, urgency, route, confidence and cues.

    Streams the input in batches (constant memory) over worker processes, keeps
    every input column and the input order, and sends rows with empty or
    unreadable text to an errors file with the line number and the reason
    instead of stopping. A killed run continues with --resume.

    Example: triage tag complaints.csv -o tagged.csv --text-column 留言详情
    """
    from ..io import count_records

    options = {"text_column": text_column, "id_column": id_column, "encoding": encoding, "batch_size": batch_size}
    bar = None
    try:
        triager = load_triager(models)
        from ..tagging import tag_file

        if sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(total=count_records(source, encoding), unit="rows", desc="tagging", file=sys.stderr)
        summary = tag_file(triager, source, output, errors_path=errors, resume=resume,
                           checkpoint_every=checkpoint_every, jobs=jobs or os.cpu_count() or 1,
                           progress=bar.update if bar else None, **options)
    except TriageError as e:
        fail(str(e))
    except OSError as e:
        fail(f"{e.filename}: {e.strerror}")
    finally:
        if bar:
            bar.close()
    message = f"tagged {summary.tagged} of {summary.rows} rows in {summary.seconds:.1f} s ({summary.rate:.0f} rows/s)"
    if summary.errors:
        message += f"; {summary.errors} bad rows in {summary.errors_path}"
    typer.echo(message, err=True)

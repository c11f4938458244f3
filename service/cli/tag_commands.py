"""Batch commands for operators: tag a file or a folder of files, here or on a Dask cluster."""

from __future__ import annotations

import os
import shlex
import sys
from contextlib import ExitStack
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from triage.errors import TriageError

from .common import ModelsDir, app, fail, load_triager, models_dir

if TYPE_CHECKING:
    from triage.batch.tagging import TagSummary


class Engine(StrEnum):
    local = "local"
    dask = "dask"


class Format(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


def say(message: str) -> None:
    """One line for the operator, on stderr."""
    typer.echo(message, err=True)


def say_encodings(source: Path, output: Path, fmt: str, encoding: str | None) -> None:
    """Name the encoding each CSV input is read with; a detected one that reads as no Chinese stops here."""
    from triage.batch.encodings import csv_encoding
    from triage.batch.partitions import plan_partitions

    files = [p.source for p in plan_partitions(source, output, fmt)] if source.is_dir() else [source]
    for path in files:
        if path.suffix.lower() == ".csv" and path.is_file():
            say(f"reading {path.name} as {csv_encoding(path, encoding)} "
                f"({'--encoding' if encoding else 'detected; --encoding to change'})")


def progress_bar(source: Path, output: Path, encoding: str | None, resume: bool) -> Any:
    """A bar of rows done of rows in the file, starting from the checkpoint's rows when resuming."""
    from tqdm import tqdm

    from triage.batch.checkpoint import checkpoint_path_for, load_checkpoint
    from triage.batch.encodings import csv_encoding
    from triage.batch.io import count_records

    done = load_checkpoint(checkpoint_path_for(output)).rows_done if resume else 0
    if source.suffix.lower() == ".csv":
        encoding = csv_encoding(source, encoding)
    return tqdm(total=count_records(source, encoding), initial=done, unit="rows", desc="tagging", file=sys.stderr)


def summary_line(summary: TagSummary) -> str:
    """The closing line: rows tagged of rows in all, and what this run did at which rate."""
    message = f"tagged {summary.tagged} of {summary.rows} rows"
    if summary.rows_before:
        message += (f"; {summary.rows_before} were done before --resume, this run did "
                    f"{summary.rows - summary.rows_before} in {summary.seconds:.1f} s ({summary.rate:.0f} rows/s)")
    else:
        message += f" in {summary.seconds:.1f} s ({summary.rate:.0f} rows/s)"
    if summary.errors:
        message += f"; {summary.errors} bad rows in {summary.errors_path}"
    return message


def resume_command(program: str) -> str:
    """The command line this process was started with (as ``program`` and its arguments), plus ``--resume``."""
    args = sys.argv[1:]
    if "--resume" not in args:
        args = [*args, "--resume"]
    return f"{program} {shlex.join(args)}"


def interrupted(error: KeyboardInterrupt, program: str, output: Path, folder: bool) -> None:
    """After Ctrl-C: say what is written and how to continue, and exit 130 (as a shell does for SIGINT)."""
    from triage.batch.checkpoint import checkpoint_path_for
    from triage.batch.tagging import TaggingInterrupted

    if isinstance(error, TaggingInterrupted):
        say(f"interrupted after {error.rows_done} rows, written to {error.output} with the checkpoint; "
            f"continue with: {resume_command(program)}")
    elif output.is_dir() if folder else checkpoint_path_for(output).exists():
        say(f"interrupted; continue with: {resume_command(program)}")
    else:
        say("interrupted before any row was written")
    raise typer.Exit(130)


@app.command()
def tag(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(help="Input .jsonl, .csv, .xlsx or .parquet file, or a folder of them.")],
    output: Annotated[Path, typer.Option("-o", "--output", metavar="PATH",
                                         help="Output .jsonl or .csv file (a folder for a folder).")],
    text_column: Annotated[str, typer.Option(metavar="COLUMN",
                                             help="Column with the text; several joined by commas.")] = "text",
    id_column: Annotated[str, typer.Option(metavar="COLUMN",
                                           help="Column with the row id (reported for bad rows).")] = "id",
    encoding: Annotated[str | None, typer.Option(
        metavar="NAME", help="CSV encoding (default: detected: UTF-8, else GB18030, else a guess).")] = None,
    errors: Annotated[Path | None, typer.Option(metavar="FILE",
                                                help="Where bad rows go (default: OUTPUT.errors.jsonl).")] = None,
    batch_size: Annotated[int, typer.Option(min=1, metavar="ROWS", help="Rows per vectorised batch.")] = 512,
    jobs: Annotated[int | None, typer.Option("-j", "--jobs", min=1,
                                             metavar="N", help="Worker processes (default: every core).")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue an interrupted run from its checkpoint.")] = False,
    checkpoint_every: Annotated[float, typer.Option(min=0, metavar="SECONDS",
                                                    help="Seconds between checkpoints.")] = 2.0,
    engine: Annotated[Engine, typer.Option(metavar="local|dask",
                                           help="local, or dask for a folder on a Dask cluster.")] = Engine.local,
    scheduler: Annotated[str | None, typer.Option(metavar="ADDRESS",
                                                  help="Dask scheduler address, e.g. tcp://HOST:8786.")] = None,
    output_format: Annotated[Format, typer.Option("--format", metavar="jsonl|csv",
                                                  help="Output format for a folder.")] = Format.jsonl,
    bom: Annotated[bool, typer.Option("--bom/--no-bom", help="Start a CSV output with a UTF-8 BOM, for Excel.")]
    = True,
    neutralise: Annotated[bool, typer.Option(
        "--neutralise/--no-neutralise",
        help="Prefix CSV cells starting with = + - @ tab or CR with ', so spreadsheets show them, not run them.")]
    = True,
    directory: Annotated[Path | None, typer.Option(
        metavar="PATH", help="A dispatch directory (a folder with units.csv and compounds.csv, or an .xlsx): "
        "also name each row's unit and place (columns unit_code, unit_name, place).")] = None,
    models: ModelsDir = None,
) -> None:
    """Tag every row of a file with category, categories, urgency, route, confidence and cues.

    Streams the input in batches (constant memory) over worker processes, keeps
    every input column and the input order, and sends rows with empty or
    unreadable text to an errors file with the line number and the reason
    instead of stopping. A killed or interrupted run continues with --resume. A
    folder of files is tagged into an output folder, here or with --engine dask
    on a cluster. CSV output is for Excel: a BOM, and formula-like cells
    neutralised (--no-bom, --no-neutralise for programs).

    With --directory, each row also gets the unit the directory names (property company, owner unit,
    社区 or department) and the place the text names, as the service answers with its directory.

    Example: triage tag complaints.csv -o tagged.csv --text-column 留言详情
    """

    options = {"text_column": text_column, "id_column": id_column, "encoding": encoding, "batch_size": batch_size,
               "bom": bom, "neutralise": neutralise}
    fmt = "." + output_format.value
    try:
        with ExitStack() as stack:  # the progress bar is closed before any closing message
            if engine is Engine.dask and not source.is_dir():
                fail("--engine dask tags a folder of files; give INPUT_DIR -o OUTPUT_DIR")
            if engine is Engine.dask and not scheduler:
                fail("--engine dask needs --scheduler tcp://HOST:8786")
            if source.is_dir() and errors is not None:
                fail("--errors is for one file; a folder's bad rows go to OUTPUT_DIR/NAME.errors.jsonl")
            say_encodings(source, output, fmt, encoding)
            if engine is Engine.dask and directory is not None:
                fail("--directory is for the local engine: Dask workers load the model alone")
            triager = load_triager(models)
            if directory is not None:
                from triage.dispatch import load_directory

                triager = triager.with_directory(load_directory(directory))
            if engine is Engine.dask:
                from triage.batch.dask_engine import tag_directory_on_dask

                summary = tag_directory_on_dask(triager, source, output, scheduler=scheduler, resume=resume,
                                                models_dir=models_dir(models), fmt=fmt, **options)
            elif source.is_dir():
                from triage.batch.partitions import tag_directory

                summary = tag_directory(triager, source, output, fmt=fmt, resume=resume, jobs=jobs or os.cpu_count()
                                        or 1, checkpoint_every=checkpoint_every, **options)
            else:
                from triage.batch.tagging import tag_file

                bar = stack.enter_context(progress_bar(source, output, encoding, resume)) \
                    if sys.stderr.isatty() else None
                summary = tag_file(triager, source, output, errors_path=errors, resume=resume,
                                   checkpoint_every=checkpoint_every, jobs=jobs or os.cpu_count() or 1,
                                   progress=bar.update if bar else None, **options)
    except TriageError as e:
        fail(str(e))
    except OSError as e:
        fail(f"{e.filename}: {e.strerror}")
    except KeyboardInterrupt as e:
        interrupted(e, ctx.find_root().info_name or "triage", output, source.is_dir())
    say(summary_line(summary))

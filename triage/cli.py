"""The ``triage`` command line: one function per command, its docstring the --help text.

Library errors become one-line messages and exit code 1; usage errors exit 2.
Commands that need the training pipeline or the service import them inside.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from .errors import TriageError

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  rich_markup_mode=None, help="Triage 12345 hotline complaints: category, urgency, responsible party.")
corpus_app = typer.Typer(no_args_is_help=True, help="Check and maintain the training corpus.")
models_app = typer.Typer(no_args_is_help=True, help="List model versions and switch the active one.")
app.add_typer(corpus_app, name="corpus")
app.add_typer(models_app, name="models")

ModelsDir = Annotated[
    Path | None, typer.Option("--models", help="Models folder (default: $TRIAGE_MODELS_DIR or ./models).")]


def fail(message: str) -> NoReturn:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(1)


def _load_triager(models: Path | None, version: str | None = None):
    from .triager import Triager

    return Triager.load(version, models_dir=models)


@app.command()
def train(
    corpus: Annotated[Path | None, typer.Option(help="Corpus folder of .jsonl files.")] = None,
    models: ModelsDir = None,
    dev: Annotated[Path | None, typer.Option(help="Real texts to score (never trained on).")] = None,
    no_activate: Annotated[bool, typer.Option("--no-activate", help="Save without making it active.")] = False,
) -> None:
    """Train a new model version on the corpus and make it active.

    Fits on the corpus's train split, scores its held-out split and, when it is
    there, ../shared/eval/dev.jsonl, then writes models/<version>/.

    Example: triage train --corpus training/corpus
    """
    from training.train import train as run_training

    try:
        run_training(corpus, models, dev_path=dev, make_active=not no_activate, log=lambda m: typer.echo(m, err=True))
    except (TriageError, ValueError) as e:  # ValueError: the data cannot make a model (too few classes)
        fail(str(e))


@app.command()
def tag(
    source: Annotated[Path, typer.Argument(help="Input .jsonl, .csv or .xlsx file.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Output .jsonl or .csv file.")],
    text_column: Annotated[str, typer.Option(help="Column with the text; several joined by commas.")] = "text",
    id_column: Annotated[str, typer.Option(help="Column with the row id (reported for bad rows).")] = "id",
    encoding: Annotated[str | None, typer.Option(help="CSV encoding (default: detected, UTF-8 or GBK).")] = None,
    errors: Annotated[Path | None, typer.Option(help="Where bad rows go (default: OUTPUT.errors.jsonl).")] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Rows per vectorised batch.")] = 512,
    jobs: Annotated[int | None, typer.Option("-j", "--jobs", min=1,
                                             help="Worker processes (default: every core).")] = None,
    models: ModelsDir = None,
) -> None:
    """Tag every row of a file with category, categories, urgency, route and confidence.

    Streams the input in batches (constant memory), keeps every input column,
    and sends rows with empty or unreadable text to an errors file with the
    line number and the reason instead of stopping.

    Example: triage tag complaints.csv -o tagged.csv --text-column 留言详情
    """
    from .io import count_records
    from .tagging import tag_file

    try:
        triager = _load_triager(models)
        bar = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(total=count_records(source, encoding), unit="rows", desc="tagging", file=sys.stderr)
        try:
            summary = tag_file(triager, source, output, text_column=text_column, id_column=id_column,
                               encoding=encoding, errors_path=errors, batch_size=batch_size,
                               jobs=jobs or os.cpu_count() or 1, progress=bar.update if bar else None)
        finally:
            if bar:
                bar.close()
    except TriageError as e:
        fail(str(e))
    except OSError as e:
        fail(f"{e.filename}: {e.strerror}")
    message = f"tagged {summary.tagged} of {summary.rows} rows in {summary.seconds:.1f} s ({summary.rate:.0f} rows/s)"
    if summary.errors:
        message += f"; {summary.errors} bad rows in {summary.errors_path}"
    typer.echo(message, err=True)


@app.command("eval")
def evaluate(
    gold: Annotated[Path, typer.Argument(help="Labeled .jsonl file (id, text, category, urgency, route).")],
    plot: Annotated[Path | None, typer.Option(help="Draw the confusion matrix to this PNG file.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    models: ModelsDir = None,
) -> None:
    """Score the active model on a labeled file: score.py's figures, per-class table, confusion matrix.

    Example: triage eval ../shared/eval/dev.jsonl --plot confusion.png
    """
    from training.data import load_jsonl
    from training.evaluate import format_report, plot_confusion, score
    from training.train import predict_rows

    try:
        rows = load_jsonl(gold)
        if not rows:
            fail(f"{gold}: no rows")
        missing = [r.get("_where") for r in rows if "id" not in r or not isinstance(r.get("text"), str)]
        if missing:
            fail(f"{missing[0]}: every row needs an 'id' and a 'text'")
        figures = score({str(r["id"]): r for r in rows}, predict_rows(_load_triager(models), rows))
    except TriageError as e:
        fail(str(e))
    except OSError as e:
        fail(f"{e.filename}: {e.strerror}")
    typer.echo(json.dumps(figures, indent=1) if as_json else format_report(figures))
    if plot:
        plot_confusion(figures, plot)
        typer.echo(f"confusion matrix drawn to {plot}", err=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes (each loads the model).")] = 1,
) -> None:
    """Run the HTTP service under uvicorn (uvloop, httptools); settings come from TRIAGE_* variables.

    With several workers, /metrics adds up every worker (a PROMETHEUS_MULTIPROC_DIR is made).

    Example: triage serve --host 0.0.0.0 --port 8000 --workers 2
    """
    import os
    import tempfile

    try:
        import uvicorn

        from service.settings import Settings
    except ImportError as e:
        fail(f"the service needs its extra: pip install -e '.[service]' ({e.name} is missing)")
    from .triager import Triager

    try:  # fail here, with a clear message, before uvicorn starts its workers
        settings = Settings()
        Triager.load(settings.model_version, models_dir=settings.models_dir)
    except TriageError as e:
        fail(str(e))
    except ValueError as e:  # settings out of bounds
        fail(f"invalid TRIAGE_* setting: {e}")
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="triage-metrics-")
    uvicorn.run("service.app:create_app_from_env", factory=True, host=host, port=port, workers=workers,
                loop="uvloop", http="httptools", access_log=False, log_level="warning")


@corpus_app.command("check")
def corpus_check(
    corpus: Annotated[Path | None, typer.Option(help="Corpus folder of .jsonl files.")] = None,
    dev: Annotated[Path | None, typer.Option(help="Dev set the corpus must not overlap.")] = None,
) -> None:
    """Check the corpus: schema, promised counts, near-duplicates, no overlap with the dev set.

    Exits 1 and lists the problems when a check fails.

    Example: triage corpus check
    """
    from training.checks import check_corpus

    try:
        report = check_corpus(corpus, dev)
    except TriageError as e:
        fail(str(e))
    for key in sorted(report.counts):
        typer.echo(f"{key:32s} {report.counts[key]}")
    for score_, a, b in report.near_duplicates[:20]:
        typer.echo(f"near-duplicate {score_:.2f}: {a} ~ {b}")
    if not report.ok:
        for problem in report.problems:
            typer.echo(f"problem: {problem}", err=True)
        fail(f"{len(report.problems)} corpus check(s) failed")
    typer.echo("corpus checks passed")


@corpus_app.command("split")
def corpus_split(
    corpus: Annotated[Path | None, typer.Option(help="Corpus folder of .jsonl files.")] = None,
) -> None:
    """Give every corpus row without a split one (about 15% held out, stratified); existing splits stay.

    Example: triage corpus split
    """
    from training.split import write_splits

    try:
        assigned = write_splits(corpus)
    except TriageError as e:
        fail(str(e))
    typer.echo(f"assigned a split to {assigned} rows")


@models_app.command("list")
def models_list(models: ModelsDir = None) -> None:
    """List model versions with their dev and held-out figures; * marks the active one.

    Example: triage models list
    """
    from .artifacts import active_version, default_models_dir, list_versions, read_meta

    folder = models or default_models_dir()
    try:
        active = active_version(folder)
    except TriageError:
        active = None
    for version in list_versions(folder):
        metrics = read_meta(folder / version).get("metrics", {})
        figures = "  ".join(f"{name} macro-F1 {m['category_macro_f1']:.3f} route {m['route_accuracy']:.3f}"
                            for name, m in metrics.items())
        typer.echo(f"{'*' if version == active else ' '} {version}  {figures}")


@models_app.command("activate")
def models_activate(version: Annotated[str, typer.Argument(help="Version folder name.")],
                    models: ModelsDir = None) -> None:
    """Make VERSION the active model (checks its files first).

    Example: triage models activate 20261121-120000
    """
    from .artifacts import activate, default_models_dir, load_model

    folder = models or default_models_dir()
    try:
        load_model(folder / version)
        activate(version, folder)
    except TriageError as e:
        fail(str(e))
    typer.echo(f"active model: {version}")


if __name__ == "__main__":  # pragma: no cover
    app()

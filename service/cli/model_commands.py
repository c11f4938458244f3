"""Commands that make, score and switch model versions: train, eval, models list, models activate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from triage.errors import TriageError

from .common import (
    LabelSets,
    ModelsDir,
    NoLabelSets,
    app,
    fail,
    label_sets,
    load_triager,
    models_app,
    models_dir,
    need_plots,
    settings,
)


@app.command()
def train(
    corpus: Annotated[Path | None, typer.Option(metavar="DIR", help="Corpus folder of .jsonl files.")] = None,
    models: ModelsDir = None,
    dev: Annotated[Path | None, typer.Option(metavar="FILE", help="Real texts to score (never trained on).")] = None,
    no_activate: Annotated[bool, typer.Option("--no-activate", help="Save without making it active.")] = False,
    sets: LabelSets = None,
    no_sets: NoLabelSets = False,
) -> None:
    """Train a new model version on the corpus and the real labels, and make it active.

    Fits on the train splits of the corpus and of every label set (joined by id to its
    texts, e.g. ../shared/real/pool.jsonl), scores their held-out splits and, when it is
    there, ../shared/eval/dev.jsonl, then writes models/<version>/.

    Example: triage train --sets training/real/sets.json
    """
    from training.train import train as run_training

    try:
        run_training(corpus, models_dir(models), label_sets=label_sets(sets, no_sets), dev_path=dev,
                     make_active=not no_activate, log=lambda m: typer.echo(m, err=True))
    except (TriageError, ValueError) as e:  # ValueError: the data cannot make a model (too few classes)
        fail(str(e))


@app.command("eval")
def evaluate(
    gold: Annotated[Path, typer.Argument(help="Labeled .jsonl file (id, text, category, urgency, route).")],
    plot: Annotated[Path | None, typer.Option(metavar="FILE",
                                              help="Draw the confusion matrix to this PNG file.")] = None,
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
        figures = score({str(r["id"]): r for r in rows}, predict_rows(load_triager(models), rows))
    except TriageError as e:
        fail(str(e))
    except OSError as e:
        fail(f"{e.filename}: {e.strerror}")
    typer.echo(json.dumps(figures, indent=1) if as_json else format_report(figures))
    if plot:
        need_plots()
        plot_confusion(figures, plot)
        typer.echo(f"confusion matrix drawn to {plot}", err=True)


@models_app.command("list")
def models_list(models: ModelsDir = None) -> None:
    """List model versions with their dev and held-out figures; * marks the active one.

    Example: triage models list
    """
    from triage.model.artifacts import describe_versions

    for v in describe_versions(models_dir(models)):
        if v["damaged"]:
            figures = f"damaged: {v['damaged']}"
        else:
            figures = "  ".join(f"{name} macro-F1 {m['category_macro_f1']:.3f} route {m['route_accuracy']:.3f}"
                                for name, m in v["metrics"].items()
                                if isinstance(m.get("category_macro_f1"), float | int)
                                and isinstance(m.get("route_accuracy"), float | int))
        if v["changed_data_files"]:
            figures += f"  (measured before a change to {', '.join(v['changed_data_files'])})"
        typer.echo(f"{'*' if v['active'] else ' '} {v['version']}  {figures}")


@models_app.command("activate")
def models_activate(version: Annotated[str, typer.Argument(help="Version folder name.")],
                    models: ModelsDir = None) -> None:
    """Make VERSION the active model (checks its files first).

    Example: triage models activate 20261121-120000
    """
    from triage.model.artifacts import activate, load_model

    folder = models_dir(models)
    url = settings().database_url
    try:
        load_model(folder / version)
        if url.startswith("postgresql"):  # a shared store names the version for every host
            from ..active_model import ActivePointer
            from ..store import Store

            ActivePointer(folder, Store.open(url)).set(version, "triage models activate")
        else:
            activate(version, folder)
    except TriageError as e:
        fail(str(e))
    typer.echo(f"active model: {version}")

"""What every command shares: the Typer apps, the settings, the error exit and the models-folder option."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import click
import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from ..settings import Settings

HELP = {"help_option_names": ["-h", "--help"]}  # every command's context inherits it from the root's

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  rich_markup_mode=None, context_settings=HELP)
corpus_app = typer.Typer(no_args_is_help=True, help="Check and maintain the training corpus.")
models_app = typer.Typer(no_args_is_help=True, help="List model versions and switch the active one.")


class _ReportGroup(TyperGroup):
    """``triage report``'s commands; a first word that names none of them is a tagged file for ``report tagged``
    (so ``triage report tagged.csv -o report.html`` reads as it always has)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["tagged", *args]
        return super().parse_args(ctx, args)


report_app = typer.Typer(cls=_ReportGroup, no_args_is_help=True,
                         help="Reports: a tagged file summarised as HTML (triage report FILE is triage report "
                              "tagged FILE), and the store's hot spots.\n\nExample: triage report hotspots --days 7")
app.add_typer(corpus_app, name="corpus")
app.add_typer(models_app, name="models")
app.add_typer(report_app, name="report")

ModelsDir = Annotated[
    Path | None, typer.Option("--models", metavar="DIR",
                              help="Models folder (default: TRIAGE_MODELS_DIR, else the shipped models/).")]

LabelSets = Annotated[list[Path] | None, typer.Option(
    "--sets", metavar="FILE", help="Manifest of labeled real messages (repeatable; default: training/real/sets.json).")]
NoLabelSets = Annotated[bool, typer.Option("--no-sets", help="Train on the corpus alone, without real labels.")]


def version_line() -> str:
    """``triage 0.1.0, model 20261207-155819 (models)``: the program's version and the active model's."""
    from importlib.metadata import PackageNotFoundError, version

    from triage.errors import TriageError
    from triage.model.artifacts import active_version

    try:
        program = version("triage")
    except PackageNotFoundError:  # run from a checkout that was never installed
        program = "unknown"
    models = settings().models_dir
    try:
        model = f"model {active_version(models)} ({models})"
    except TriageError:
        model = f"no active model in {models}"
    return f"triage {program}, {model}"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(version_line())
        raise typer.Exit()


@app.callback()
def main(version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True,
        help="Print the version and the active model (of TRIAGE_MODELS_DIR), then exit.")] = False) -> None:
    """Triage 12345 hotline complaints: category, urgency, responsible party.

    Example: triage tag complaints.csv -o tagged.csv --text-column 留言详情
    """


def label_sets(sets: list[Path] | None, no_sets: bool) -> list[Path] | None:
    """The manifests a training command was given: None for the default, [] for none."""
    if no_sets and sets:
        fail("--sets and --no-sets contradict each other")
    return [] if no_sets else (sets or None)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a one-line error and exit with ``code`` (1; 2 for a bad setting or usage)."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code)


def settings(**flags: Any) -> Settings:
    """The settings: the flags given (None: not given) over TRIAGE_* variables over the defaults, checked
    once; a bad value exits 2 with one line per setting."""
    from pydantic import ValidationError

    from ..settings import Settings, setting_errors

    try:
        return Settings(**{name: value for name, value in flags.items() if value is not None})
    except ValidationError as e:
        fail("; ".join(setting_errors(e)), code=2)


def need_plots() -> None:
    """Stop with the install line when the charts' extra (matplotlib) is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        fail("charts need the plots extra: pip install -e '.[plots]' (matplotlib is missing)")


def models_dir(models: Path | None) -> Path:
    """The models folder: --models, else TRIAGE_MODELS_DIR, else the shipped one."""
    return settings(models_dir=models).models_dir


def load_triager(models: Path | None, version: str | None = None):
    """The Triager for a version (default: the active one) in a models folder."""
    from triage.triager import Triager

    return Triager.load(version, models_dir=models_dir(models))

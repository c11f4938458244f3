"""``triage directory``: import the city's dispatch directory into the store, export it, show the one in use."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from triage.errors import TriageError

from .common import app, fail
from .store_commands import DatabaseUrl, _store

directory_app = typer.Typer(no_args_is_help=True, help="The dispatch directory: units and the compounds they answer "
                            "for.\n\nExample: triage directory import triage/data/directory_example")
app.add_typer(directory_app, name="directory")

Version = Annotated[int | None, typer.Option("--version", metavar="N",
                                             help="A directory version (default: the one in use, the latest).")]


@directory_app.command("import")
def directory_import(
    path: Annotated[Path, typer.Argument(metavar="FILE", help="A folder with units.csv and compounds.csv, or an "
                                         ".xlsx workbook with sheets units and compounds.")],
    by: Annotated[str, typer.Option("--by", metavar="NAME", help="Who imports it (recorded).")] = "cli",
    database_url: DatabaseUrl = None,
) -> None:
    """Check a dispatch directory and store it as a new version, the one in use from now on.

    Every problem is listed, one line each, naming the file (or sheet) and row; nothing is stored
    then. Running services pick up the new version within TRIAGE_MODEL_POLL_SECONDS.

    Example: triage directory import triage/data/directory_example
    """
    from triage.dispatch import load_directory

    try:
        directory = load_directory(path)
    except TriageError as e:
        fail(f"{path}: not imported:\n{e}")
    version = _store(database_url).import_directory(directory, imported_by=by)
    typer.echo(f"directory version {version['version']}: {version['units']} units, {version['compounds']} "
               f"compounds, from {version['source']}")


@directory_app.command("export")
def directory_export(
    output: Annotated[Path, typer.Option("-o", "--output", metavar="PATH",
                                         help="An .xlsx file, or a folder for units.csv and compounds.csv.")],
    version: Version = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Write a directory version back out in the form it is imported from, contacts masked.

    Example: triage directory export -o directory.xlsx
    """
    from ..store.directory_export import write_directory

    try:
        directory = _store(database_url).directory(version)
    except TriageError as e:
        fail(str(e))
    if directory is None:
        fail("no directory has been imported (triage directory import FILE)")
    for path in write_directory(directory, output):
        typer.echo(f"wrote {path}")


@directory_app.command("show")
def directory_show(version: Version = None, database_url: DatabaseUrl = None) -> None:
    """Show the directory versions and, for the one in use (or --version), each compound and who answers for it.

    Example: triage directory show
    """
    store = _store(database_url)
    try:
        versions, directory = store.directory_versions(), store.directory(version)
    except TriageError as e:
        fail(str(e))
    if directory is None:
        typer.echo("no directory has been imported (triage directory import FILE)")
        return
    for v in versions:
        mark = "*" if str(v["version"]) == directory.version else " "
        typer.echo(f"{mark} version {v['version']}  {v['imported_at']}  {v['units']} units  {v['compounds']} "
                   f"compounds  by {v['imported_by']}  from {v['source']}")
    for c in directory.compounds.values():
        manager = directory.manager_of(c)
        who = f"{manager.name} ({manager.kind})" if manager else "no manager: its 社区"
        typer.echo(f"{c.code}  {c.name}  {c.kind}  {who}  {directory.units[c.community].name}  "
                   f"{directory.units[c.subdistrict].name}")

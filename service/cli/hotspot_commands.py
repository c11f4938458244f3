"""``triage report hotspots``: place × category counts from the store, beside the window before."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from .common import report_app
from .store_commands import DatabaseUrl, _store


@report_app.command("hotspots")
def hotspots(
    days: Annotated[int, typer.Option(min=1, max=366, metavar="N", help="The window: the last N days.")] = 7,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON GET /v1/hotspots answers.")] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """List places × categories by the tickets stored over the last N days, the most reported first, with the
    count of the N days before and the change; tickets that named no place are counted on the last line.

    Example: triage report hotspots --days 7
    """
    store = _store(database_url)
    try:
        found = store.hotspots(days)
    finally:
        store.close()
    if as_json:
        typer.echo(json.dumps(found, ensure_ascii=False, indent=1))
        return
    typer.echo(f"hot spots, {found['since']} to {found['until']} ({days} days), beside the {days} days before")
    typer.echo(f"{'count':>6} {'before':>6} {'change':>7}  category  place")
    for row in found["hotspots"]:
        typer.echo(f"{row['count']:>6} {row['previous']:>6} {row['change']:>+7}  {row['category']:<8}  {row['place']}")
    if not found["hotspots"]:
        typer.echo("(no ticket in the window named a place)")
    typer.echo(f"{found['without_place']} tickets in the window named no place")

"""Commands on tickets' lives: escalating what is overdue, and the ledger (台账) as a spreadsheet."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from triage.errors import TriageError

from .common import app, fail, settings
from .store_commands import DatabaseUrl, open_store

lifecycle_app = typer.Typer(no_args_is_help=True, help="Move tickets along their life: escalation.\n\n"
                                                         "Example: triage lifecycle escalate")
ledger_app = typer.Typer(no_args_is_help=True, help="The ledger (台账) of tickets and their handling.\n\n"
                                                     "Example: triage ledger export --from 2026-12-01 -o ledger.xlsx")
app.add_typer(lifecycle_app, name="lifecycle")
app.add_typer(ledger_app, name="ledger")


def _life(database_url: str | None, at: datetime | None = None):
    from ..lifecycle import Life, life_files, system_clock

    chosen = settings()
    try:
        machine, deadlines, directory = life_files(chosen)
    except TriageError as e:
        fail(str(e), code=2)
    from triage.lifecycle import DirectoryUnits

    clock = (lambda: at) if at else system_clock
    store = open_store(database_url)
    return Life(store, machine, deadlines, DirectoryUnits(store.directory(), directory), chosen.timezone, clock)


@lifecycle_app.command("escalate")
def escalate(
    database_url: DatabaseUrl = None,
    at: Annotated[datetime | None, typer.Option(metavar="TIME", formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z"],
                                                help="Escalate as of this moment (ISO, with its offset); "
                                                     "default: now.")] = None,
) -> None:
    """Send every ticket past its deadline one level up (社区 → 街道 → 区), as the service does every minute.

    Prints one JSON line per ticket escalated: its id, the unit and level it went to, its new deadline.

    Example: triage lifecycle escalate
    """
    life = _life(database_url, at)
    try:
        taken = life.escalate_due()
    except TriageError as e:
        fail(str(e))
    finally:
        life.store.close()
    for step in taken:
        typer.echo(json.dumps(step, ensure_ascii=False))
    typer.echo(f"{len(taken)} tickets escalated", err=True)


@ledger_app.command("export")
def export(
    output: Annotated[Path, typer.Option("-o", "--output", metavar="PATH", help="The .xlsx file to write.")],
    start: Annotated[datetime | None, typer.Option("--from", metavar="DATE", formats=["%Y-%m-%d"],
                                                   help="First day received (default: today).")] = None,
    end: Annotated[datetime | None, typer.Option("--to", metavar="DATE", formats=["%Y-%m-%d"],
                                                 help="Last day received, included (default: --from).")] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Write the ledger of the tickets received from --from to --to as a spreadsheet, texts PII-masked.

    Columns: 编号, 来源, 登记时间, 问题, 类别, 紧急程度, 责任单位, 层级, 状态, 整改措施, 进展, 完成时限, 是否超期,
    满意度, 处理过程 (every step: when, what, to whom, why).

    Example: triage ledger export --from 2026-12-01 --to 2026-12-07 -o ledger.xlsx
    """
    from triage.lifecycle.ledger import write_xlsx

    from ..ledger import ledger_rows, period
    from ..lifecycle import Caller

    if output.suffix.lower() != ".xlsx":
        fail(f"-o {output}: the ledger is written as .xlsx", code=2)
    days: list[date | None] = [d.date() if d else None for d in (start, end)]
    if days[0] and days[1] and days[1] < days[0]:
        fail(f"--to {days[1]} is before --from {days[0]}", code=2)
    life = _life(database_url)
    since, until = period(life, days[0], days[1])
    try:
        n = write_xlsx(ledger_rows(life, Caller("cli", "staff"), since, until), output)
    except TriageError as e:
        fail(str(e))
    except OSError as e:
        fail(f"{output}: cannot write: {e.strerror}")
    finally:
        life.store.close()
    typer.echo(f"{n} tickets written to {output}", err=True)

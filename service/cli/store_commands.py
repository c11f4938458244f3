"""Commands on the store: API keys, and retraining from staff corrections through the gate."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from triage.errors import TriageError

from .common import LabelSets, ModelsDir, NoLabelSets, app, fail, label_sets, models_dir, settings

keys_app = typer.Typer(no_args_is_help=True, help="Create, list and revoke API keys.")
app.add_typer(keys_app, name="keys")

DatabaseUrl = Annotated[str | None, typer.Option(
    "--database-url", metavar="URL", help="The store (default: $TRIAGE_DATABASE_URL or sqlite:///triage.db).")]


class Role(StrEnum):
    """service.store.ROLES, named here so that the command line loads without the store's driver (a test
    keeps them equal)."""

    intake = "intake"
    unit = "unit"
    staff = "staff"
    admin = "admin"



def open_store(url: str | None):
    """The store at --database-url (or the settings'), migrated; a bad URL exits 2."""
    return _store(url)


def _store(url: str | None):
    try:
        from ..store import Store
    except ImportError as e:
        fail(f"the store needs the service extra: pip install -e '.[service]' ({e.name} is missing)")
    from ..store import StoreError

    where = "--database-url" if url else "TRIAGE_DATABASE_URL"
    try:
        return Store.open(settings(database_url=url).database_url)
    except StoreError as e:
        reason = " ".join(str(e).split())  # one line, whatever the driver printed
        fail(f"{where}: {reason} (expected sqlite:///FILE or postgresql+psycopg://USER@HOST/DB)", code=2)


@keys_app.command("create")
def keys_create(
    role: Annotated[Role, typer.Option(metavar="ROLE",
                                      help="intake (triage only), unit (its unit's tickets), staff (review, "
                                           "correct, dispatch) or admin (retrain).")],
    name: Annotated[str | None, typer.Option(metavar="NAME",
                                             help="Who holds the key; recorded with every correction.")] = None,
    unit: Annotated[str | None, typer.Option(metavar="CODE", help="The unit of a unit key (a code of the "
                                             "escalation file, e.g. SQ-XFL).")] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Create an API key and print it once (only its hash is stored).

    A unit key (--role unit --unit CODE) reads and moves only the tickets its unit holds (and those of
    the units below it, for a 街道 or 区 department).

    Example: triage keys create --role staff --name 王芳
    """
    if (role is Role.unit) != (unit is not None):
        fail("--unit CODE goes with --role unit, and only with it", code=2)
    store = _store(database_url)
    if unit is not None:
        from triage.lifecycle import DirectoryUnits, FileDirectory

        try:
            units = DirectoryUnits(store.directory(), FileDirectory.load(settings().escalation_path))
        except TriageError as e:
            fail(str(e), code=2)
        if units.unit(unit) is None:
            fail(f"--unit {unit}: not a unit of the dispatch directory in use (社区, 街道, 区 departments) nor of "
                 f"{units.fallback.source}", code=2)
    try:
        key = store.create_key(name or (unit if unit else role.value), role.value, unit)
    except (TriageError, ValueError) as e:
        fail(str(e))
    typer.echo(key)


@keys_app.command("list")
def keys_list(database_url: DatabaseUrl = None) -> None:
    """List API keys: id, role, name, the key's first characters, when made and revoked.

    Example: triage keys list
    """
    try:
        keys = _store(database_url).list_keys()
    except TriageError as e:
        fail(str(e))
    for k in keys:
        typer.echo(f"{k['id']:4d}  {k['role']:6s}  {k['prefix']}…  {k['name']}  {k['created_at']}"
                   f"{'  revoked ' + k['revoked_at'] if k['revoked_at'] else ''}")


@keys_app.command("revoke")
def keys_revoke(key_id: Annotated[int, typer.Argument(help="The id shown by 'triage keys list'.")],
                database_url: DatabaseUrl = None) -> None:
    """Revoke an API key (the service stops accepting it within its key cache time, 30 s by default).

    Example: triage keys revoke 3
    """
    try:
        _store(database_url).revoke_key(key_id)
    except TriageError as e:
        fail(str(e))
    typer.echo(f"revoked key {key_id}")


@app.command()
def retrain(
    corpus: Annotated[Path | None, typer.Option(metavar="DIR", help="Corpus folder of .jsonl files.")] = None,
    models: ModelsDir = None,
    database_url: DatabaseUrl = None,
    job: Annotated[int | None, typer.Option(metavar="ID",
                                            help="Report progress on this job (made by the API).")] = None,
    sets: LabelSets = None,
    no_sets: NoLabelSets = False,
) -> None:
    """Train a candidate on the corpus, the real labels and staff corrections; activate it only if it is no worse.

    The candidate and the active model are scored on the same held-out texts (the corpus's and
    corrections' held-out split, and the real labels' held-out split, each gated); the candidate is
    promoted when macro-F1 does not drop, no category's F1 drops by more than 0.02 and emergency
    recall does not drop. Prints the report as JSON; exits 0 whether or not it was promoted.

    Example: triage retrain
    """
    from triage.model.artifacts import active_version

    from ..retrain_job import run_job

    manifests = label_sets(sets, no_sets)
    models = models_dir(models)
    store = _store(database_url)
    if job is None:
        try:
            job = store.create_job("cli", active_version(models))
        except TriageError as e:
            fail(str(e))
    try:
        report = run_job(store, job, models_dir=models, corpus_dir=corpus,
                         label_sets=manifests, log=lambda m: typer.echo(m, err=True))
    except Exception as e:  # run_job recorded it on the job
        fail(f"retraining failed: {e}")
    typer.echo(json.dumps(report, ensure_ascii=False, indent=1))

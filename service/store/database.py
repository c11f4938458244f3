"""Connecting to the store: a SQLite file by default (WAL mode), PostgreSQL by URL; schema by Alembic.

SQLite write transactions start with ``BEGIN IMMEDIATE`` and wait up to ``busy_timeout`` for
the lock, so concurrent writers (threads or processes) queue instead of failing; WAL mode lets
readers go on while one writes.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url

from triage.errors import TriageError

__all__ = ["NotFound", "StoreError", "make_engine", "migrate"]

MIGRATIONS = Path(__file__).parent / "migrations"


class StoreError(TriageError):
    """The database cannot be reached, or its schema is not one this code knows."""


class NotFound(StoreError):
    """No such ticket, key or job."""


def make_engine(url: str, *, busy_timeout_s: float = 30.0) -> Engine:
    """An engine for ``url`` (``sqlite:///path`` or ``postgresql+psycopg://…``)."""
    try:
        parsed = make_url(url)
    except Exception as e:  # SQLAlchemy's ArgumentError, with the URL in it
        raise StoreError(f"invalid database URL {url!r}: {e}") from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": busy_timeout_s, "check_same_thread": False})
        _sqlite_pragmas(engine, busy_timeout_s)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(parsed, pool_pre_ping=True, pool_size=5, max_overflow=10)
    raise StoreError(f"unsupported database {parsed.get_backend_name()!r}: use sqlite:/// or postgresql+psycopg://")


def _sqlite_pragmas(engine: Engine, busy_timeout_s: float) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" below emits BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` with the Alembic migrations shipped in this package."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":  # workers starting together migrate one at a time
                connection.exec_driver_sql("SELECT pg_advisory_xact_lock(1234512345)")
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    except Exception as e:
        raise StoreError(f"cannot migrate the database at {engine.url.render_as_string(hide_password=True)}: "
                         f"{e}") from e


def current_tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())

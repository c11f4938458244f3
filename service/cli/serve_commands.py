"""Running the HTTP service."""

from __future__ import annotations

from typing import Annotated

import typer

from triage.errors import TriageError

from .common import app, fail
from .common import settings as settings_from_env


@app.command()
def serve(
    host: Annotated[str, typer.Option(metavar="ADDRESS", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(metavar="PORT", help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, metavar="N", help="Worker processes (each loads the model).")] = 1,
) -> None:
    """Run the HTTP service under uvicorn (uvloop, httptools); settings come from TRIAGE_* variables.

    With several workers, /metrics adds up every worker (a PROMETHEUS_MULTIPROC_DIR is made).

    Example: triage serve --host 0.0.0.0 --port 8000 --workers 2
    """
    import os
    import tempfile

    try:
        import uvicorn
    except ImportError as e:
        fail(f"the service needs its extra: pip install -e '.[service]' ({e.name} is missing)")
    from triage.triager import Triager

    settings = settings_from_env()
    from ..lifecycle import life_files
    from ..store import Store, StoreError

    try:  # fail here, with a clear message, before uvicorn starts its workers
        Triager.load(settings.model_version, models_dir=settings.models_dir)
        life_files(settings)  # the deadlines, the transition table and the units, each checked
        Store.open(settings.database_url).close()  # creates or migrates the store once, before the workers
    except StoreError as e:
        reason = " ".join(str(e).split())
        fail(f"TRIAGE_DATABASE_URL: {reason} (expected sqlite:///FILE or postgresql+psycopg://USER@HOST/DB)", code=2)
    except TriageError as e:
        fail(str(e))
    except ValueError as e:  # settings out of bounds
        fail(f"invalid TRIAGE_* setting: {e}")
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="triage-metrics-")
    # A worker loading the model holds the GIL for seconds at a time; on a busy host it then misses
    # uvicorn's 5-second health check and is killed and restarted, over and over.
    uvicorn.run("service.app:create_app_from_env", factory=True, host=host, port=port, workers=workers,
                loop="uvloop", http="httptools", access_log=False, log_level="warning",
                timeout_worker_healthcheck=30)

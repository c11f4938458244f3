"""The ``triage`` command line: one function per command, its docstring the --help text.

Library errors become one-line messages and exit code 1; usage errors exit 2.
Commands that need the training pipeline or the service import them inside.
"""

from . import (  # noqa: F401 (they register commands)
    corpus_commands,
    directory_commands,
    hotspot_commands,
    lifecycle_commands,
    model_commands,
    report_commands,
    serve_commands,
    store_commands,
    tag_commands,
)
from .common import app

__all__ = ["app"]

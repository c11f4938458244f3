"""The checkpoint of a tagging run: how far it got, so a killed run can continue without losing a row.

A run writes its output and errors file in whole chunks. After a chunk (at most every
few seconds, and at the end) it flushes and fsyncs both files, then replaces the
checkpoint file atomically with the number of input records done and the byte length
of both files. To resume, the files are cut back to those lengths and that many records
are skipped: whatever was written after the last checkpoint is written again, once.

The checkpoint also records what the run was: the input's size, modification time and
a hash of its first 64 KiB, and the options that shape the output. Resuming with
anything else is refused, because the output would mix two runs.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError

__all__ = ["Checkpoint", "checkpoint_path_for", "describe_input", "load_checkpoint", "save_checkpoint"]


@dataclass
class Checkpoint:
    """Where a run stands: what it reads and how, and what it has written."""

    source: dict[str, Any]
    options: dict[str, Any]
    rows_done: int = 0
    tagged: int = 0
    bad: int = 0
    output_bytes: int = 0
    errors_bytes: int = 0
    columns: list[str] | None = None

    def check_matches(self, source: dict[str, Any], options: dict[str, Any], where: Path) -> None:
        """Raise InputError unless this checkpoint belongs to a run over ``source`` with ``options``."""
        for key in ("name", "size", "mtime_ns", "head_sha256"):
            if self.source.get(key) != source.get(key):
                raise InputError(f"{where}: the checkpoint is for another input ({key} was "
                                 f"{self.source.get(key)!r}, now {source.get(key)!r}); start again without --resume")
        for key, value in options.items():
            if self.options.get(key) != value:
                raise InputError(f"{where}: the checkpoint was written with {key}={self.options.get(key)!r}, "
                                 f"not {value!r}; resume with the same options or start again without --resume")


def checkpoint_path_for(output: str | Path) -> Path:
    """The checkpoint beside OUTPUT: its name with ``.checkpoint.json``."""
    output = Path(output)
    return output.with_name(output.stem + ".checkpoint.json")


def describe_input(path: str | Path, head_bytes: int = 1 << 16) -> dict[str, Any]:
    """What identifies an input file: name, size, modification time and a hash of its start."""
    path = Path(path)
    stat = path.stat()
    with open(path, "rb") as f:
        head = hashlib.sha256(f.read(head_bytes)).hexdigest()
    return {"name": path.name, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "head_sha256": head}


def save_checkpoint(path: str | Path, checkpoint: Checkpoint) -> None:
    """Replace the checkpoint file atomically (a kill leaves the old one or the new one, whole)."""
    path = Path(path)
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w", encoding="utf-8") as f:
        json.dump(asdict(checkpoint), f, ensure_ascii=False)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, path)


def load_checkpoint(path: str | Path) -> Checkpoint:
    """Read a checkpoint; a missing or unreadable one is an InputError that says so."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Checkpoint(**data)
    except FileNotFoundError:
        raise InputError(f"{path}: no checkpoint to resume from (the run finished, or never started)") from None
    except (ValueError, TypeError) as e:
        raise InputError(f"{path}: not a checkpoint of triage tag ({e}); start again without --resume") from None

"""Partitioned input: a folder of CSV, JSONL, XLSX or Parquet files, each tagged into its own output file.

Both engines use the same plan: the local one tags the files one after the other (each over
its worker processes), the Dask engine hands each file to a worker. ``OUTPUT_DIR/<name>.jsonl``
(or ``.csv``) and ``OUTPUT_DIR/<name>.errors.jsonl`` come out the same either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..triager import Triager
from .checkpoint import checkpoint_path_for
from .io import INPUT_FORMATS
from .tagging import TaggingInterrupted, TagSummary, tag_file

__all__ = ["Partition", "plan_partitions", "sum_summaries", "tag_directory"]


@dataclass(frozen=True)
class Partition:
    """One input file, where its output goes, and whether a finished or half-done run is there."""

    source: Path
    output: Path

    @property
    def state(self) -> str:
        """``"new"``, ``"started"`` (a checkpoint is there) or ``"done"`` (output without a checkpoint)."""
        if checkpoint_path_for(self.output).exists():
            return "started"
        return "done" if self.output.exists() else "new"


def plan_partitions(source_dir: str | Path, output_dir: str | Path, fmt: str) -> list[Partition]:
    """Every input file in ``source_dir`` (not its subfolders), sorted by name, with its output file."""
    source_dir, output_dir = Path(source_dir), Path(output_dir)
    if fmt not in (".jsonl", ".csv"):
        raise InputError(f"the output format must be jsonl or csv (got {fmt.lstrip('.')!r})")
    if not source_dir.is_dir():
        raise InputError(f"{source_dir}: no such folder")
    files = sorted(p for p in source_dir.iterdir() if p.is_file() and p.suffix.lower() in INPUT_FORMATS)
    if not files:
        raise InputError(f"{source_dir}: no {', '.join(INPUT_FORMATS)} files")
    stems = [p.stem for p in files]
    if len(set(stems)) != len(stems):
        raise InputError(f"{source_dir}: two input files share a name before the extension; rename one")
    if output_dir.resolve() == source_dir.resolve():
        raise InputError(f"{output_dir}: the output folder must not be the input folder")
    return [Partition(p, output_dir / (p.stem + fmt)) for p in files]


def sum_summaries(summaries: list[TagSummary], seconds: float) -> TagSummary:
    """One summary for a whole folder."""
    return TagSummary(rows=sum(s.rows for s in summaries), tagged=sum(s.tagged for s in summaries),
                      errors=sum(s.errors for s in summaries), seconds=seconds,
                      errors_path=next((s.errors_path for s in summaries if s.errors_path), None),
                      rows_before=sum(s.rows_before for s in summaries))


def tag_directory(triager: Triager, source_dir: str | Path, output_dir: str | Path, *, fmt: str = ".jsonl",
                  resume: bool = False, **options: Any) -> TagSummary:
    """Tag every file of a folder into ``output_dir`` on this machine; ``options`` go to :func:`tag_file`.

    With ``resume``, finished files are left as they are and half-done ones are continued. Ctrl-C
    raises :class:`~triage.batch.tagging.TaggingInterrupted` with the rows in the files this call tagged.
    """
    import time

    started = time.perf_counter()
    partitions = plan_partitions(source_dir, output_dir, fmt)
    Path(output_dir).mkdir(parents=True, exist_ok=True)
    summaries = []
    for part in partitions:
        state = part.state if resume else "new"
        if state == "done":
            continue
        try:
            summaries.append(tag_file(triager, part.source, part.output, resume=state == "started", **options))
        except TaggingInterrupted as e:
            raise TaggingInterrupted(sum(s.rows for s in summaries) + e.rows_done, Path(output_dir)) from None
    return sum_summaries(summaries, time.perf_counter() - started)

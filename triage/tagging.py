"""Batch tagging of a file: stream records, triage them in chunks, append results, keep a checkpoint."""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO

from .checkpoint import Checkpoint, checkpoint_path_for, describe_input, load_checkpoint, save_checkpoint
from .chunks import ChunkResult, header_text, output_columns, tag_chunk
from .errors import InputError
from .io import Record, output_format, read_records
from .triager import Triager

__all__ = ["TagSummary", "errors_path_for", "tag_file"]


@dataclass
class TagSummary:
    rows: int
    tagged: int
    errors: int
    seconds: float
    errors_path: Path | None
    tagged_before: int = 0  # by the run this one resumed

    @property
    def rate(self) -> float:
        """Rows tagged per second by this run."""
        return (self.tagged - self.tagged_before) / self.seconds if self.seconds else 0.0


def errors_path_for(output: str | Path) -> Path:
    """Where bad rows go unless told otherwise: OUTPUT's name with ``.errors.jsonl``."""
    output = Path(output)
    return output.with_name(output.stem + ".errors.jsonl")


def _chunks(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    it = iter(records)
    while chunk := list(islice(it, size)):
        yield chunk


_WORKER_TRIAGER: Triager | None = None  # set in the parent before worker processes fork


def _work(records: list[Record], fmt: str, columns: list[str] | None, id_column: str | None) -> ChunkResult:
    assert _WORKER_TRIAGER is not None
    return tag_chunk(_WORKER_TRIAGER, records, fmt=fmt, columns=columns, id_column=id_column)


def _exit_with_parent(parent: int) -> None:
    """In a worker: end when the parent is gone (killed), instead of waiting on its queue forever."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="exit-with-parent").start()


def _open_at(path: Path, length: int) -> IO[bytes] | None:
    """Open a file for appending after cutting it back to ``length`` bytes (None when empty and absent)."""
    if not path.exists():
        if length:
            raise InputError(f"{path}: missing, but the checkpoint says it held {length} bytes; start again "
                             "without --resume")
        return None
    if path.stat().st_size < length:
        raise InputError(f"{path}: shorter than the checkpoint says ({length} bytes); start again without --resume")
    f = open(path, "r+b")  # noqa: SIM115 (closed by the caller)
    f.truncate(length)
    f.seek(length)
    return f


def tag_file(triager: Triager, source: str | Path, output: str | Path, *, text_column: str = "text",
             id_column: str | None = "id", encoding: str | None = None, errors_path: str | Path | None = None,
             batch_size: int = 512, jobs: int = 1, resume: bool = False, checkpoint_every: float = 2.0,
             progress: Callable[[int], None] | None = None) -> TagSummary:
    """Tag every row of ``source`` into ``output``; rows that cannot be tagged go to the errors file.

    With ``jobs`` > 1, chunks are triaged and formatted by that many forked worker processes
    (sharing the loaded model) while this process reads and appends; at most two chunks per
    worker are in flight, so memory stays constant, and rows are written in input order,
    exactly as with ``jobs=1``. The errors file holds the line number, the id (when there is
    one) and the reason, never the text. A checkpoint beside the output (see
    :mod:`triage.checkpoint`) lets ``resume=True`` continue a killed run; it is removed at the end.
    """
    global _WORKER_TRIAGER
    started = time.perf_counter()
    source, output = Path(source), Path(output)
    fmt = output_format(output)
    errors_path = Path(errors_path) if errors_path else errors_path_for(output)
    if not source.is_file():
        raise InputError(f"{source}: no such file")
    checkpoint_path = checkpoint_path_for(output)
    options = {"text_column": text_column, "id_column": id_column, "encoding": encoding, "format": fmt}
    if resume:
        state = load_checkpoint(checkpoint_path)
        state.check_matches(describe_input(source), options, checkpoint_path)
        out = _open_at(output, state.output_bytes) or open(output, "wb")  # noqa: SIM115 (closed below)
        err = _open_at(errors_path, state.errors_bytes)
    else:
        state = Checkpoint(describe_input(source), options)
        save_checkpoint(checkpoint_path, state)
        errors_path.unlink(missing_ok=True)
        out, err = open(output, "wb"), None  # noqa: SIM115 (closed below)
    last_saved, tagged_before = time.monotonic(), state.tagged

    def save() -> None:
        for f in (out, err):
            if f is not None:
                f.flush()
                os.fsync(f.fileno())
        save_checkpoint(checkpoint_path, state)

    def write(result: ChunkResult) -> None:
        nonlocal err, last_saved
        if result.output:
            state.output_bytes += out.write(result.output.encode("utf-8"))
        if result.errors:
            if err is None:
                err = open(errors_path, "wb")  # noqa: SIM115 (closed below)
            state.errors_bytes += err.write(result.errors.encode("utf-8"))
        state.rows_done += result.rows
        state.tagged += result.tagged
        state.bad += result.bad
        if time.monotonic() - last_saved >= checkpoint_every:
            save()
            last_saved = time.monotonic()
        if progress:
            progress(result.rows)

    def jobs_of(chunks: Iterable[list[Record]]) -> Iterator[tuple[list[Record], list[str] | None]]:
        """Each chunk with the CSV columns, fixed (and the header written) at the first good row."""
        for chunk in chunks:
            if state.columns is None and fmt == ".csv":
                first = next((r for r in chunk if r.text is not None), None)
                if first is not None:
                    state.columns = output_columns(first.row)
                    state.output_bytes += out.write(header_text(state.columns, fmt).encode("utf-8"))
            yield chunk, state.columns

    records = islice(read_records(source, text_column=text_column, encoding=encoding), state.rows_done, None)
    work = jobs_of(_chunks(records, batch_size))
    _WORKER_TRIAGER = triager
    triager.triage("预热")  # build lazily made tables now: before workers fork and share them
    gc.freeze()  # the model lives for the whole run: keep its objects out of every collection
    try:
        if jobs <= 1:
            for chunk, columns in work:
                write(_work(chunk, fmt, columns, id_column))
        else:
            with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                                     initializer=_exit_with_parent, initargs=(os.getpid(),)) as pool:
                pending: deque = deque()
                for chunk, columns in work:
                    pending.append(pool.submit(_work, chunk, fmt, columns, id_column))
                    if len(pending) >= 2 * jobs:
                        write(pending.popleft().result())
                while pending:
                    write(pending.popleft().result())
        save()
        checkpoint_path.unlink()
    finally:
        _WORKER_TRIAGER = None
        gc.unfreeze()
        out.close()
        if err is not None:
            err.close()
    return TagSummary(rows=state.rows_done, tagged=state.tagged, errors=state.bad,
                      seconds=time.perf_counter() - started, errors_path=errors_path if state.bad else None,
                      tagged_before=tagged_before)

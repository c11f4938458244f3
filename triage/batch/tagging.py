"""Batch tagging of a file: stream records, triage them in chunks, append results, keep a checkpoint."""

from __future__ import annotations

import codecs
import gc
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import IO

from ..errors import InputError
from ..triager import Triager
from .checkpoint import Checkpoint, checkpoint_path_for, describe_input, load_checkpoint, save_checkpoint
from .chunks import ChunkResult, header_text, output_columns, tag_chunk
from .io import Item, RecordDecoder, open_rows, output_format

__all__ = ["TagSummary", "TaggingInterrupted", "errors_path_for", "tag_file"]


@dataclass
class TagSummary:
    rows: int
    tagged: int
    errors: int
    seconds: float
    errors_path: Path | None
    rows_before: int = 0  # done by the run this one resumed
    encoding: str | None = None  # how a .csv or .jsonl input was read

    @property
    def rate(self) -> float:
        """Rows per second done by this run (those done before a resume not counted)."""
        return (self.rows - self.rows_before) / self.seconds if self.seconds else 0.0


class TaggingInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped a run after its checkpoint was saved: ``rows_done`` rows are in ``output``, resumable."""

    def __init__(self, rows_done: int, output: Path) -> None:
        super().__init__(rows_done, output)
        self.rows_done, self.output = rows_done, output


def errors_path_for(output: str | Path) -> Path:
    """Where bad rows go unless told otherwise: OUTPUT's name with ``.errors.jsonl``."""
    output = Path(output)
    return output.with_name(output.stem + ".errors.jsonl")


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


_WORKER_TRIAGER: Triager | None = None  # set in the parent before worker processes fork


def _work(items: list[Item], columns: list[str] | None, decoder: RecordDecoder, fmt: str,
          id_column: str | None, neutralise: bool) -> ChunkResult:
    """Decode, triage and format one chunk: everything but reading and appending, in a worker when -j > 1."""
    assert _WORKER_TRIAGER is not None
    records = list(map(decoder, items))
    return tag_chunk(_WORKER_TRIAGER, records, fmt=fmt, columns=columns, id_column=id_column, neutralise=neutralise)


def _exit_with_parent(parent: int) -> None:
    """In a worker: leave Ctrl-C to the parent (which stops the run and saves its checkpoint), and end
    when the parent is gone (killed), instead of waiting on its queue forever."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

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


class _Appender:
    """The output and errors file of a run, appended a whole chunk at a time, and their checkpoint.

    ``state`` is replaced whole, in one assignment, once a chunk's bytes are written: a Ctrl-C
    arriving anywhere leaves it describing whole chunks only, so saving it then is safe (bytes
    written after it are cut off by ``--resume``).
    """

    def __init__(self, state: Checkpoint, output: Path, errors_path: Path, checkpoint_path: Path, *,
                 resume: bool, checkpoint_every: float, progress: Callable[[int], None] | None) -> None:
        self.state, self.errors_path, self.checkpoint_path = state, errors_path, checkpoint_path
        self.checkpoint_every, self.progress = checkpoint_every, progress
        if resume:
            self.out = _open_at(output, state.output_bytes) or open(output, "wb")  # noqa: SIM115 (see close)
            self.err = _open_at(errors_path, state.errors_bytes)
        else:
            save_checkpoint(checkpoint_path, state)
            errors_path.unlink(missing_ok=True)
            self.out, self.err = open(output, "wb"), None  # noqa: SIM115 (see close)
        self.last_saved = time.monotonic()

    def header(self, columns: list[str], text: bytes) -> None:
        """Write the output's first bytes (a CSV's BOM and header) and fix its columns."""
        written = self.out.write(text)
        self.state = replace(self.state, columns=columns, output_bytes=self.state.output_bytes + written)

    def write(self, result: ChunkResult) -> None:
        state = self.state
        output_bytes, errors_bytes = state.output_bytes, state.errors_bytes
        if result.output:
            output_bytes += self.out.write(result.output)
        if result.errors:
            if self.err is None:
                self.err = open(self.errors_path, "wb")  # noqa: SIM115 (see close)
            errors_bytes += self.err.write(result.errors)
        self.state = replace(state, output_bytes=output_bytes, errors_bytes=errors_bytes,
                             rows_done=state.rows_done + result.rows, tagged=state.tagged + result.tagged,
                             bad=state.bad + result.bad)
        if time.monotonic() - self.last_saved >= self.checkpoint_every:
            self.save()
        if self.progress:
            self.progress(result.rows)

    def save(self) -> None:
        """Make what was written durable, then record it in the checkpoint."""
        for f in (self.out, self.err):
            if f is not None:
                f.flush()
                os.fsync(f.fileno())
        save_checkpoint(self.checkpoint_path, self.state)
        self.last_saved = time.monotonic()

    def finish(self) -> None:
        self.save()
        self.checkpoint_path.unlink()

    def close(self) -> None:
        self.out.close()
        if self.err is not None:
            self.err.close()


def _run(work: Iterable[tuple[list[Item], list[str] | None]], appender: _Appender, jobs: int,
         args: tuple) -> None:
    """Tag every chunk of ``work`` (here, or over ``jobs`` forked workers) and append each in input order."""
    if jobs <= 1:
        for chunk, columns in work:
            appender.write(_work(chunk, columns, *args))
        return
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                             initializer=_exit_with_parent, initargs=(os.getpid(),)) as pool:
        try:
            pending: deque = deque()
            for chunk, columns in work:
                pending.append(pool.submit(_work, chunk, columns, *args))
                if len(pending) >= 2 * jobs:
                    appender.write(pending.popleft().result())
            while pending:
                appender.write(pending.popleft().result())
        except BaseException:  # Ctrl-C or a failure: drop the chunks not started, stop at once
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def tag_file(triager: Triager, source: str | Path, output: str | Path, *, text_column: str = "text",
             id_column: str | None = "id", encoding: str | None = None, errors_path: str | Path | None = None,
             batch_size: int = 512, jobs: int = 1, resume: bool = False, checkpoint_every: float = 2.0,
             bom: bool = True, neutralise: bool = True,
             progress: Callable[[int], None] | None = None) -> TagSummary:
    """Tag every row of ``source`` into ``output``; rows that cannot be tagged go to the errors file.

    With ``jobs`` > 1, chunks are decoded, triaged and formatted by that many forked worker
    processes (sharing the loaded model) while this process only splits the input into raw
    rows and appends the results. At most two chunks per worker are in flight, so memory stays
    constant, and rows are written in input order, exactly as with ``jobs=1``. The errors file
    holds the line number, the id (when there is one) and the reason, never the text. A
    checkpoint beside the output (see :mod:`triage.batch.checkpoint`) lets ``resume=True`` continue
    a killed run; it is removed at the end. Ctrl-C saves the checkpoint and raises
    :class:`TaggingInterrupted`.

    A CSV output starts with a UTF-8 BOM (so that Excel reads it as UTF-8) unless ``bom=False``,
    and its cells that a spreadsheet would run as formulas get a leading ``'`` unless
    ``neutralise=False`` (see :mod:`triage.batch.chunks`).
    """
    global _WORKER_TRIAGER
    started = time.perf_counter()
    source, output = Path(source), Path(output)
    fmt = output_format(output)
    errors_path = Path(errors_path) if errors_path else errors_path_for(output)
    checkpoint_path = checkpoint_path_for(output)
    bom, neutralise = bom and fmt == ".csv", neutralise and fmt == ".csv"
    with open_rows(source, text_column=text_column, encoding=encoding) as (decoder, items):
        options = {"text_column": text_column, "id_column": id_column, "encoding": decoder.encoding, "format": fmt,
                   "bom": bom, "neutralise": neutralise}
        if resume:
            state = load_checkpoint(checkpoint_path)
            state.check_matches(describe_input(source), options, checkpoint_path)
        else:
            state = Checkpoint(describe_input(source), options)
        rows_before = state.rows_done
        appender = _Appender(state, output, errors_path, checkpoint_path, resume=resume,
                             checkpoint_every=checkpoint_every, progress=progress)

        def with_columns(chunks: Iterable[list[Item]]) -> Iterator[tuple[list[Item], list[str] | None]]:
            """Each chunk with the CSV columns, fixed (and the BOM and header written) at the first good row."""
            for chunk in chunks:
                if appender.state.columns is None and fmt == ".csv":
                    first = next((r for r in map(decoder, chunk) if r.text is not None), None)
                    if first is not None:
                        columns = output_columns(first.row, units=triager.directory is not None)
                        text = header_text(columns, fmt, neutralise=neutralise).encode("utf-8")
                        appender.header(columns, (codecs.BOM_UTF8 if bom else b"") + text)
                yield chunk, appender.state.columns

        work = with_columns(_chunks(islice(items, state.rows_done, None), batch_size))
        _WORKER_TRIAGER = triager
        try:
            triager.triage("预热")  # build lazily made tables now: before workers fork and share them
            gc.freeze()  # the model lives for the whole run: keep its objects out of every collection
            _run(work, appender, jobs, (decoder, fmt, id_column, neutralise))
            appender.finish()
        except KeyboardInterrupt:
            appender.save()  # what is written, in whole chunks: the run continues from here with resume=True
            raise TaggingInterrupted(appender.state.rows_done, output) from None
        finally:
            _WORKER_TRIAGER = None
            gc.unfreeze()
            appender.close()
    state = appender.state
    return TagSummary(rows=state.rows_done, tagged=state.tagged, errors=state.bad,
                      seconds=time.perf_counter() - started, errors_path=errors_path if state.bad else None,
                      rows_before=rows_before, encoding=decoder.encoding)

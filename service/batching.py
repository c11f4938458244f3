"""Micro-batching: concurrent requests share one vectorised inference call, off the event loop.

Requests queue their texts; one runner task takes everything queued (up to a limit), runs
``Triager.triage_many`` in a single worker thread, and hands each request its results. While
a batch runs, new requests gather for the next one, so batches grow with load and an idle
server adds no waiting.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from triage import Triager, TriageResult

__all__ = ["MicroBatcher"]


class MicroBatcher:
    def __init__(self, triager: Triager, max_texts: int = 256) -> None:
        self.triager = triager
        self.max_texts = max_texts
        self._queue: list[tuple[list[str], asyncio.Future[list[TriageResult]]]] = []
        self._runner: asyncio.Task[None] | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="triage-inference")

    async def triage(self, texts: list[str]) -> list[TriageResult]:
        future: asyncio.Future[list[TriageResult]] = asyncio.get_running_loop().create_future()
        self._queue.append((texts, future))
        if self._runner is None or self._runner.done():
            self._runner = asyncio.create_task(self._run())
        return await future

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while self._queue:
            batch, size = [], 0
            while self._queue and (not batch or size + len(self._queue[0][0]) <= self.max_texts):
                texts, future = self._queue.pop(0)
                batch.append((texts, future))
                size += len(texts)
            flat = [t for texts, _ in batch for t in texts]
            try:
                results = await loop.run_in_executor(self._executor, self.triager.triage_many, flat)
            except Exception:
                await self._one_by_one(batch)
                continue
            start = 0
            for texts, future in batch:
                if not future.done():
                    future.set_result(results[start:start + len(texts)])
                start += len(texts)

    async def _one_by_one(self, batch: list[tuple[list[str], asyncio.Future[list[TriageResult]]]]) -> None:
        """A batch failed (one bad text): answer each request on its own so only the bad one fails."""
        loop = asyncio.get_running_loop()
        for texts, future in batch:
            try:
                result = await loop.run_in_executor(self._executor, self.triager.triage_many, texts)
            except Exception as e:
                if not future.done():
                    future.set_exception(e)
            else:
                if not future.done():
                    future.set_result(result)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

"""Group commit: concurrent callers share one round trip and one commit.

Each caller submits an item and waits for its own result. Items wait a short linger (or
less, when the batch fills) so concurrent webhooks can join, then go to PostgreSQL as one
statement in its own implicit transaction: a result means the item is durable. At most
``max_in_flight`` batches run at once; what arrives meanwhile forms the next batch, so the
busier the database, the larger the batches. A batch that fails for a reason of its own
data (anything but an outage) is retried item by item, so one bad item fails alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class GroupCommit(Generic[T, R]):
    def __init__(
        self,
        run: Callable[[Sequence[T]], Awaitable[Sequence[R]]],
        *,
        linger: float,
        max_batch: int,
        max_in_flight: int,
        timeout: float,
        is_outage: Callable[[BaseException], bool],
    ) -> None:
        self._run = run
        self._linger = linger
        self._max_batch = max_batch
        self._max_in_flight = max_in_flight
        self._timeout = timeout
        self._is_outage = is_outage
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._in_flight = 0
        self._tasks: set[asyncio.Task[None]] = set()  # held: the loop keeps weak references
        self.batches = 0
        self.items = 0

    async def submit(self, item: T) -> R:
        """The item's result once its batch has committed (or its own error)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        self._waiting.append((item, future))
        if len(self._waiting) >= self._max_batch:
            self._flush()
        elif self._timer is None:
            self._timer = loop.call_later(self._linger, self._flush)
        # A caller that gives up (its timeout) leaves the item in its batch: whatever it
        # commits is deduplicated by the caller's key when the item comes again.
        return await future

    def _flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        while self._waiting and self._in_flight < self._max_in_flight:
            batch = self._waiting[: self._max_batch]
            del self._waiting[: self._max_batch]
            self._in_flight += 1
            task = asyncio.get_running_loop().create_task(self._commit(batch))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _commit(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            self.batches += 1
            self.items += len(batch)
            try:
                results = await self._attempt([item for item, _ in batch])
            except Exception as error:
                if len(batch) == 1 or self._is_outage(error):
                    for _, future in batch:
                        _fail(future, error)
                    return
                # Which item broke it? Each alone: the good ones commit, the bad one fails.
                for item, future in batch:
                    try:
                        _succeed(future, (await self._attempt([item]))[0])
                    except Exception as alone:
                        _fail(future, alone)
                return
            for (_, future), result in zip(batch, results, strict=True):
                _succeed(future, result)
        except asyncio.CancelledError:
            for _, future in batch:
                future.cancel()
            raise
        finally:
            self._in_flight -= 1
            if self._waiting:
                # Those waited through this batch already: no linger on top.
                self._flush()

    async def _attempt(self, items: Sequence[T]) -> Sequence[R]:
        async with asyncio.timeout(self._timeout):
            return await self._run(items)

    async def close(self) -> None:
        """Let the batches in flight finish (shutdown); nothing new is taken after."""
        self._flush()
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)


def _succeed(future: asyncio.Future[R], result: R) -> None:
    if not future.done():
        future.set_result(result)


def _fail(future: asyncio.Future[R], error: BaseException) -> None:
    if not future.done():
        future.set_exception(error)
        future.exception()  # retrieved: a caller that gave up is not an unhandled error

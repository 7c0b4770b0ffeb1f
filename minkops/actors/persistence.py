"""The gateway through which actor threads reach asyncpg on the service's event loop.

Actors block their own thread on the result; the loop never waits on an actor.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import asyncpg

from minkops.store.database import org_transaction, processing_transaction

T = TypeVar("T")


class Persistence:
    def __init__(
        self, loop: asyncio.AbstractEventLoop, pool: asyncpg.Pool, timeout: float = 30.0
    ) -> None:
        self._loop = loop
        self._pool = pool
        self._timeout = timeout
        self._loop_thread = threading.get_ident()

    def run(self, org_id: int | None, work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
        """Run `work` in one transaction scoped to `org_id` and return its result."""
        if threading.get_ident() == self._loop_thread:
            raise RuntimeError("Persistence.run called on the event loop thread: it would deadlock")

        async def transaction() -> T:
            async with org_transaction(self._pool, org_id) as connection:
                return await work(connection)

        return self._on_loop(transaction())

    def run_processing(
        self, org_id: int, inbox_id: int, work: Callable[[asyncpg.Connection], Awaitable[T]]
    ) -> T:
        """Like `run`, in a transaction that has marked `inbox_id` processed first (in the
        round trip that opens it); ProcessedBefore, with nothing written, if it was already."""
        if threading.get_ident() == self._loop_thread:
            raise RuntimeError("Persistence.run called on the event loop thread: it would deadlock")

        async def transaction() -> T:
            async with processing_transaction(self._pool, org_id, inbox_id) as connection:
                return await work(connection)

        return self._on_loop(transaction())

    def run_alone(self, work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
        """Run `work` on a connection outside any transaction: for one statement that sets
        its organization itself and commits on its own (one round trip, not three)."""
        if threading.get_ident() == self._loop_thread:
            raise RuntimeError("Persistence.run called on the event loop thread: it would deadlock")

        async def alone() -> T:
            async with self._pool.acquire() as connection:
                return await work(connection)

        return self._on_loop(alone())

    def _on_loop(self, work: Coroutine[Any, Any, T]) -> T:
        future = asyncio.run_coroutine_threadsafe(work, self._loop)
        return future.result(self._timeout)

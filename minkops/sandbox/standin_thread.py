"""Run any stand-in server on its own event loop in a daemon thread.

Synchronous tests (and `minkops dev`) need a stand-in that answers while they block in an SDK
call; a thread with its own loop gives them one, and `with` stops it again.
"""

from __future__ import annotations

import asyncio
import threading
from types import TracebackType
from typing import Generic, Protocol, Self, TypeVar


class ServesOnLoop(Protocol):
    async def start(self, host: str, port: int) -> str: ...

    async def stop(self) -> None: ...


S = TypeVar("S", bound=ServesOnLoop)


class StandInThread(Generic[S]):
    """`with StandInThread(stand_in) as running:` serves at `running.base_url` until the end."""

    label = "stand-in"

    def __init__(self, stand_in: S, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.stand_in = stand_in
        self.base_url = ""
        self._host = host
        self._port = port
        name = self.label.lower().replace(" ", "-")
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._started = threading.Event()
        self._start_error: Exception | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping = asyncio.Event()

    def start(self, timeout: float = 10.0) -> str:
        self._thread.start()
        if not self._started.wait(timeout):
            raise TimeoutError(f"the {self.label} did not start in time")
        if self._start_error is not None:
            self._thread.join(timeout)
            raise RuntimeError(f"the {self.label} failed to start") from self._start_error
        return self.base_url

    def stop(self, timeout: float = 10.0) -> None:
        if self._loop is None or not self._thread.is_alive():
            return
        self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise TimeoutError(f"the {self.label} did not stop in time")

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _run(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        try:
            self.base_url = await self.stand_in.start(self._host, self._port)
        except Exception as error:
            self._start_error = error
            return
        finally:
            self._started.set()
        try:
            await self._stopping.wait()
        finally:
            await self.stand_in.stop()

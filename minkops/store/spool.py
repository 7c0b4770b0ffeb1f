"""The local durable spool: webhooks acknowledged while PostgreSQL could not take them.

A signed form that could not be stored within the request's budget is appended, as one
JSON line, to ``DATA_DIR/spool/webhooks.jsonl`` and fsync'ed before the 200 goes out. A
drainer moves the lines into the database (idempotent on MessageSid) oldest first, and
removes them only once stored. While anything is spooled, new webhooks are spooled too,
so that arrival order is kept. The file is rewritten atomically (write, fsync, rename).
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Spooled:
    kind: str  # "inbound" | "status"
    form: dict[str, str]
    at: float  # wall-clock seconds when it was acknowledged


class Spool:
    def __init__(self, directory: Path) -> None:
        self._dir = directory
        self._path = directory / "webhooks.jsonl"
        self._lock = asyncio.Lock()
        self._entries: list[Spooled] = []
        self._loaded = False

    @property
    def path(self) -> Path:
        return self._path

    def load(self) -> None:
        """Read what a previous process spooled (a torn last line is dropped: never acked)."""
        self._dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        entries: list[Spooled] = []
        if self._path.exists():
            for line in self._path.read_text("utf-8").splitlines():
                try:
                    data = json.loads(line)
                    entries.append(Spooled(data["kind"], dict(data["form"]), float(data["at"])))
                except (ValueError, KeyError, TypeError):
                    continue
        self._entries = entries
        self._loaded = True

    @property
    def depth(self) -> int:
        return len(self._entries)

    def oldest_age(self) -> float:
        return time.time() - self._entries[0].at if self._entries else 0.0

    async def append(self, kind: str, form: Mapping[str, str]) -> None:
        """Durable when this returns: the line is written and fsync'ed."""
        entry = Spooled(kind, dict(form), time.time())
        line = json.dumps({"kind": kind, "form": entry.form, "at": entry.at}) + "\n"
        async with self._lock:
            await asyncio.to_thread(self._append_line, line)
            self._entries.append(entry)

    def _append_line(self, line: str) -> None:
        if not self._loaded:
            self.load()
        fd = os.open(self._path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)

    async def drain(self, store: Callable[[Spooled], Awaitable[None]], batch: int = 100) -> int:
        """Store spooled entries oldest first; stops at the first that fails (it raises).
        Returns how many were stored and removed."""
        stored = 0
        while True:
            async with self._lock:
                entries = self._entries[:batch]
                if not entries:
                    return stored
                done = 0
                try:
                    for entry in entries:
                        await store(entry)
                        done += 1
                finally:
                    if done:
                        remaining = self._entries[done:]
                        await asyncio.to_thread(self._rewrite, remaining)
                        self._entries = remaining
                        stored += done

    def _rewrite(self, entries: list[Spooled]) -> None:
        temporary = self._path.with_suffix(".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_TRUNC | os.O_CREAT, 0o600)
        try:
            for entry in entries:
                line = json.dumps({"kind": entry.kind, "form": entry.form, "at": entry.at})
                os.write(fd, (line + "\n").encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, self._path)
        directory = os.open(self._dir, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

"""A pool of identical supervised actors for slow calls, behind one handle.

Dispatch goes to the member with the fewest messages in flight, ties broken
round-robin. Round-robin alone would queue work behind a member stuck in a 30 s
API call while its siblings sit idle; in-flight counts route around it.

Keyed dispatch (``tell_keyed``) instead sends every message with one key to the
same member, so that they are handled in the order they were told (one
recipient's outbound messages, say), at the price of waiting behind that member.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, final

import pykka

from minkops.actors.backoff import RestartPolicy
from minkops.actors.supervisor import (
    ChildContext,
    ChildHandle,
    ChildSpec,
    ChildUnavailable,
    Registry,
    SupervisedActor,
    supervisor_spec,
)


@dataclass(frozen=True)
class _Job:
    payload: Any
    done: Callable[[], None]


class PoolMember(SupervisedActor):
    """Base for pool members: implement ``on_job`` instead of ``on_receive``."""

    @final
    def on_receive(self, message: Any) -> Any:
        if not isinstance(message, _Job):
            return self.on_job(message)
        try:
            return self.on_job(message.payload)
        finally:
            message.done()

    def on_job(self, message: Any) -> Any:
        """Handle one message; the return value answers an ``ask``."""
        return super().on_receive(message)


@dataclass
class _Load:
    incarnation: int = 0
    in_flight: int = 0


class Pool:
    """``size`` members named ``{name}.0`` … under a supervisor named ``name``.

    Put :meth:`spec` in the tree and give callers :meth:`handle`. In-flight counts
    live here, so all handles from one ``Pool`` share them.
    """

    def __init__(
        self,
        name: str,
        size: int,
        start_member: Callable[[ChildContext], pykka.ActorRef[Any]],
        *,
        policy: RestartPolicy | None = None,
        shutdown_timeout: float = 5.0,
    ) -> None:
        if size < 1:
            raise ValueError("a pool needs at least one member")
        self.name = name
        self.size = size
        self._start_member = start_member
        self._policy = policy
        self._shutdown_timeout = shutdown_timeout
        self._lock = threading.Lock()
        self._loads = [_Load() for _ in range(size)]
        self._next = 0

    def member_names(self) -> list[str]:
        return [f"{self.name}.{index}" for index in range(self.size)]

    def spec(self) -> ChildSpec:
        """The pool's supervisor as a (permanent) child; every member is permanent."""

        def start(context: ChildContext) -> pykka.ActorRef[Any]:
            ref = self._start_member(context)
            if not issubclass(ref.actor_class, PoolMember):
                ref.stop(block=False)
                raise TypeError(f"pool {self.name!r} members must be PoolMembers")
            return ref

        members = [
            ChildSpec(member, start, shutdown_timeout=self._shutdown_timeout)
            for member in self.member_names()
        ]
        return supervisor_spec(self.name, members, policy=self._policy)

    def handle(self, registry: Registry) -> PoolHandle:
        return PoolHandle(self, [registry.handle(member) for member in self.member_names()])

    def _refresh(self, members: list[ChildHandle]) -> list[int]:
        """Current incarnations; call with the lock held."""
        incarnations = [member.incarnation for member in members]
        for load, incarnation in zip(self._loads, incarnations, strict=True):
            if load.incarnation != incarnation:
                # A new incarnation starts empty; the old one's jobs died with it.
                load.incarnation = incarnation
                load.in_flight = 0
        return incarnations

    def _pick_keyed(self, members: list[ChildHandle], key: str) -> tuple[int, Callable[[], None]]:
        # crc32, not hash(): the same key must map to the same member in every process.
        index = zlib.crc32(key.encode()) % self.size
        with self._lock:
            incarnations = self._refresh(members)
            self._loads[index].in_flight += 1
            return index, self._finisher(index, incarnations[index])

    def _pick(self, members: list[ChildHandle]) -> tuple[int, Callable[[], None]]:
        with self._lock:
            incarnations = self._refresh(members)
            available = [member.available for member in members]
            start = self._next
            self._next = (start + 1) % self.size
            index = min(
                range(self.size),
                key=lambda k: (
                    not available[k],  # a restarting member would make the job wait
                    self._loads[k].in_flight,
                    (k - start) % self.size,
                ),
            )
            self._loads[index].in_flight += 1
            return index, self._finisher(index, incarnations[index])

    def _finisher(self, index: int, incarnation: int) -> Callable[[], None]:
        finished = False

        def done() -> None:
            nonlocal finished
            with self._lock:
                load = self._loads[index]
                if not finished and load.incarnation == incarnation and load.in_flight > 0:
                    load.in_flight -= 1
                finished = True

        return done

    def in_flight(self) -> list[int]:
        """Messages dispatched and not yet handled, per member (for metrics and tests)."""
        with self._lock:
            return [load.in_flight for load in self._loads]


class PoolHandle:
    """``tell``/``ask`` like a :class:`ChildHandle`, spread over the pool's members."""

    def __init__(self, pool: Pool, members: list[ChildHandle]) -> None:
        self._pool = pool
        self._members = members

    def tell(self, message: Any) -> None:
        index, done = self._pool._pick(self._members)
        try:
            self._members[index].tell(_Job(message, done))
        except ChildUnavailable:
            done()
            raise

    def tell_keyed(self, key: str, message: Any) -> None:
        """Send to the member that ``key`` always maps to (while the pool's size is the same),
        so messages with one key are handled one at a time, in the order told."""
        index, done = self._pool._pick_keyed(self._members, key)
        try:
            self._members[index].tell(_Job(message, done))
        except ChildUnavailable:
            done()
            raise

    def ask(self, message: Any, timeout: float) -> Any:
        index, done = self._pool._pick(self._members)
        try:
            return self._members[index].ask(_Job(message, done), timeout)
        except ChildUnavailable:
            done()  # not handled, so the member never will call it
            raise

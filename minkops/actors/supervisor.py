"""OTP-style supervision for pykka actors, which has none of its own.

Shape (after Erlang's ``supervisor``): a :class:`Supervisor` is an actor that starts
its children from :class:`ChildSpec` s in order, restarts them one-for-one according
to their restart type, waits an exponential backoff with jitter between restarts
(without blocking its inbox), and gives up when more than ``max_restarts`` happen
within ``period`` seconds: it then stops all its children in reverse start order and
escalates — a nested supervisor fails, so its parent sees it exit abnormally; the
root calls ``on_escalate``. Children inherit :class:`SupervisedActor`, which tells
the parent when they are ready and when and why they exited.

Callers never hold an ``ActorRef`` to a supervised child: they ask the
:class:`Registry` for a :class:`ChildHandle` by name, which always reaches the
current incarnation. Its contract:

- ``tell`` never blocks. While the child restarts, messages are buffered (bounded)
  and delivered in order to the next incarnation. It raises :class:`ChildUnavailable`
  when the child is stopped for good or the buffer is full. Messages already in a
  crashed incarnation's inbox are lost (pykka drops them): durable work must be
  recoverable from the database.
- ``ask`` waits for a restarting child until its timeout and retries once if the
  incarnation it reached died before handling the message. :class:`ChildUnavailable`
  means the message was *not* handled and will not be; ``pykka.Timeout`` means the
  child is alive but slow, and may still handle it.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal, final

import pykka

from minkops.actors.backoff import (
    Cancellable,
    RestartPolicy,
    RestartWindow,
    Scheduler,
    thread_timer,
)

log = logging.getLogger(__name__)

Restart = Literal["permanent", "transient", "temporary"]
"""permanent: always restarted; transient: only after an abnormal exit; temporary: never."""

DEFAULT_BUFFER_SIZE = 1000
DEFAULT_ACTOR_STACK = 512 * 1024
_POLL = 0.1


def configure_thread_stack(size_bytes: int = DEFAULT_ACTOR_STACK) -> int:
    """Set the stack size of threads started from now on; returns the previous setting.

    Call once, before any actor starts. Each pykka actor is an OS thread and the
    default stack reserves 8 MiB of virtual memory, so thousands of org actors
    exhaust address space and overcommit limits long before real memory. Python
    frames live on the heap; the C stack only needs room for nested C calls
    (regex, json, ssl), for which 512 KiB is ample.
    """
    return threading.stack_size(size_bytes)


class ChildUnavailable(Exception):
    """The child did not handle the message and will not: it is stopped for good,
    did not come back within the timeout, or its restart buffer is full."""


class UnknownChild(LookupError):
    """No supervisor has declared a child by this name."""


class RestartIntensityExceeded(Exception):
    """A supervisor restarted its children too often and gave up."""


# Events, for observability and for tests to wait on instead of sleeping.


@dataclass(frozen=True)
class ChildStarted:
    """The child's ``on_start`` succeeded; handles now reach this incarnation."""

    supervisor: str
    child: str
    incarnation: int


@dataclass(frozen=True)
class ChildStopped:
    """The child exited normally."""

    supervisor: str
    child: str
    incarnation: int
    will_restart: bool


@dataclass(frozen=True)
class ChildFailed:
    """The child raised in ``on_start``, in a told message, or in ``on_stop``."""

    supervisor: str
    child: str
    incarnation: int
    reason: BaseException
    will_restart: bool


@dataclass(frozen=True)
class RestartScheduled:
    supervisor: str
    child: str
    attempt: int
    delay: float


@dataclass(frozen=True)
class Escalated:
    """The supervisor exceeded its restart intensity and stopped all its children."""

    supervisor: str
    reason: RestartIntensityExceeded


@dataclass(frozen=True)
class ShutdownTimedOut:
    """A child did not stop within its ``shutdown_timeout``; its thread is abandoned."""

    supervisor: str
    child: str
    timeout: float


SupervisorEvent = (
    ChildStarted | ChildStopped | ChildFailed | RestartScheduled | Escalated | ShutdownTimedOut
)
Listener = Callable[[SupervisorEvent], None]


class _Slot:
    """The stable address of one named child: its current incarnation and a buffer.

    Written by the owning supervisor (``starting``/``up``/``stopped``) and read by
    any thread through :class:`ChildHandle`; one condition guards it all.
    """

    def __init__(self, name: str, owner: str, buffer_size: int) -> None:
        self.name = name
        self.owner = owner
        self._cond = threading.Condition()
        self._phase: Literal["starting", "up", "stopped"] = "starting"
        self._ref: pykka.ActorRef[Any] | None = None
        self._incarnations = 0
        self._buffer: deque[Any] = deque()
        self._buffer_size = buffer_size
        self._stop_reason = ""

    def next_incarnation(self) -> int:
        with self._cond:
            self._incarnations += 1
            return self._incarnations

    def starting(self) -> None:
        with self._cond:
            self._phase = "starting"
            self._ref = None
            self._cond.notify_all()

    def up(self, ref: pykka.ActorRef[Any]) -> None:
        with self._cond:
            self._phase = "up"
            self._ref = ref
            # Flushing under the lock keeps buffered messages ahead of new ones.
            while self._buffer:
                try:
                    ref.tell(self._buffer[0])
                except pykka.ActorDeadError:
                    self._mark_dead(ref)
                    break
                self._buffer.popleft()
            self._cond.notify_all()

    def stopped(self, reason: str) -> None:
        with self._cond:
            if self._phase == "stopped":
                return
            if self._buffer:
                log.warning(
                    "child %s stopped with %d undelivered messages", self.name, len(self._buffer)
                )
                self._buffer.clear()
            self._phase = "stopped"
            self._ref = None
            self._stop_reason = reason
            self._cond.notify_all()

    def _mark_dead(self, ref: pykka.ActorRef[Any]) -> None:
        # A handle noticed the death before the supervisor did: wait for the restart.
        if self._ref is ref:
            self._phase = "starting"
            self._ref = None
            self._cond.notify_all()

    def mark_dead(self, ref: pykka.ActorRef[Any]) -> None:
        with self._cond:
            self._mark_dead(ref)

    def tell(self, message: Any) -> None:
        with self._cond:
            if self._phase == "up" and self._ref is not None:
                try:
                    self._ref.tell(message)
                    return
                except pykka.ActorDeadError:
                    self._mark_dead(self._ref)
            if self._phase == "stopped":
                raise ChildUnavailable(f"child {self.name!r} is stopped: {self._stop_reason}")
            if len(self._buffer) >= self._buffer_size:
                raise ChildUnavailable(
                    f"child {self.name!r} is restarting and its buffer of "
                    f"{self._buffer_size} messages is full"
                )
            self._buffer.append(message)

    def current(self, deadline: float, timeout: float) -> pykka.ActorRef[Any]:
        """The live incarnation, waiting for a restart until ``deadline``."""
        with self._cond:
            while True:
                if self._phase == "stopped":
                    raise ChildUnavailable(f"child {self.name!r} is stopped: {self._stop_reason}")
                if self._phase == "up" and self._ref is not None:
                    if self._ref.is_alive():
                        return self._ref
                    self._mark_dead(self._ref)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ChildUnavailable(
                        f"child {self.name!r} is restarting and was not back within {timeout} s"
                    )
                self._cond.wait(remaining)

    def incarnation(self) -> int:
        with self._cond:
            return self._incarnations

    def available(self) -> bool:
        with self._cond:
            return self._phase == "up" and self._ref is not None and self._ref.is_alive()


class ChildHandle:
    """Reaches whichever incarnation of a named child is current. Thread-safe."""

    def __init__(self, slot: _Slot) -> None:
        self._slot = slot

    def __repr__(self) -> str:
        return f"<ChildHandle {self._slot.name}>"

    @property
    def name(self) -> str:
        return self._slot.name

    @property
    def incarnation(self) -> int:
        """The latest incarnation started (1 for the first), which may still be starting."""
        return self._slot.incarnation()

    @property
    def available(self) -> bool:
        """Whether a started incarnation is up now (it may die the next instant)."""
        return self._slot.available()

    def tell(self, message: Any) -> None:
        """Send without waiting; buffered while the child restarts (see module doc)."""
        self._slot.tell(message)

    def ask(self, message: Any, timeout: float) -> Any:
        """Send and wait for the reply.

        Raises ``ChildUnavailable`` if the message was not handled (child stopped, not
        back within ``timeout``, or two incarnations died before handling it),
        ``pykka.Timeout`` if a live child did not answer in time, and whatever the
        child's handler raised.
        """
        deadline = time.monotonic() + timeout
        for _ in range(2):
            ref = self._slot.current(deadline, timeout)
            future = ref.ask(message, block=False)
            try:
                return _reply(future, ref, deadline, timeout)
            except pykka.ActorDeadError:
                if ref.is_alive():
                    raise  # from the child's own handler, not about this child
                self._slot.mark_dead(ref)
        raise ChildUnavailable(f"child {self.name!r} died twice before handling the message")


def _reply(
    future: pykka.Future[Any], ref: pykka.ActorRef[Any], deadline: float, timeout: float
) -> Any:
    # A message put into the inbox just after the actor drained it on death is
    # never answered, so wait in slices and look at the actor in between.
    while True:
        remaining = deadline - time.monotonic()
        try:
            return future.get(timeout=max(0.0, min(_POLL, remaining)))
        except pykka.Timeout:
            if not ref.is_alive():
                try:
                    # A reply set before the actor died is still good.
                    return future.get(timeout=0)
                except pykka.Timeout:
                    raise pykka.ActorDeadError(
                        f"{ref} stopped before handling the message"
                    ) from None
            if remaining <= _POLL:
                raise pykka.Timeout(f"{ref} did not answer within {timeout} s") from None


class Registry:
    """Name → :class:`ChildHandle` for every child of every supervisor sharing it.

    Names are flat and unique per registry, so a handle found once stays valid across
    restarts of the child and of the subtree above it.
    """

    def __init__(self, buffer_size: int = DEFAULT_BUFFER_SIZE) -> None:
        if buffer_size < 0:
            raise ValueError("buffer_size must not be negative")
        self._buffer_size = buffer_size
        self._lock = threading.Lock()
        self._slots: dict[str, _Slot] = {}

    def handle(self, name: str) -> ChildHandle:
        with self._lock:
            slot = self._slots.get(name)
        if slot is None:
            raise UnknownChild(f"no supervisor has a child named {name!r}")
        return ChildHandle(slot)

    def names(self) -> list[str]:
        with self._lock:
            return list(self._slots)

    def _declare(self, name: str, owner: str) -> _Slot:
        with self._lock:
            slot = self._slots.get(name)
            if slot is None:
                slot = self._slots[name] = _Slot(name, owner, self._buffer_size)
            elif slot.owner != owner:
                raise ValueError(f"child {name!r} already belongs to supervisor {slot.owner!r}")
        slot.starting()
        return slot


@dataclass(frozen=True)
class Runtime:
    """What a whole tree shares; nested supervisors take it from their context."""

    registry: Registry = field(default_factory=Registry)
    listener: Listener | None = None
    clock: Callable[[], float] = time.monotonic
    rand: Callable[[], float] = random.random
    scheduler: Scheduler = thread_timer


@dataclass(frozen=True)
class _ChildReady:
    name: str
    urn: str


@dataclass(frozen=True)
class _ChildExit:
    name: str
    urn: str
    reason: BaseException | None


@dataclass(frozen=True)
class _RestartDue:
    name: str
    token: object


@dataclass(frozen=True)
class ChildContext:
    """Given to a child's start function; the child passes it to ``SupervisedActor``."""

    name: str
    incarnation: int
    runtime: Runtime
    supervisor: pykka.ActorRef[Any]

    def report_ready(self, urn: str) -> None:
        self._send(_ChildReady(self.name, urn))

    def report_exit(self, urn: str, reason: BaseException | None) -> None:
        """``reason`` None means a normal exit."""
        self._send(_ChildExit(self.name, urn, reason))

    def _send(self, message: object) -> None:
        # A dead supervisor has stopped, or is stopping, this child: nobody to tell.
        with contextlib.suppress(pykka.ActorDeadError):
            self.supervisor.tell(message)


@dataclass(frozen=True)
class ChildSpec:
    name: str
    start: Callable[[ChildContext], pykka.ActorRef[Any]]
    """Starts one incarnation, e.g. ``lambda ctx: Outbound.start(ctx, client)``; the
    actor must be a ``SupervisedActor`` constructed with ``ctx``. It runs on the
    supervisor's thread, so constructors stay cheap: I/O belongs in
    ``on_supervised_start``."""
    restart: Restart = "permanent"
    shutdown_timeout: float = 5.0


class SupervisedActor(pykka.ThreadingActor):
    """Base for supervised children: reports readiness and exits to the parent.

    Implement ``on_supervised_start`` / ``on_supervised_stop`` /
    ``on_supervised_failure`` instead of pykka's hooks, which are final here so
    that no subclass can forget to report. Without a context (a unit test, or a
    root supervisor) nothing is reported.
    """

    # Daemon threads: shutdown goes through the supervision tree, which stops every
    # child in order. A child stuck in a blocking call past its shutdown_timeout is
    # abandoned, and a non-daemon thread would then keep the process alive after
    # `minkops serve` returns (and hang a test run). The main thread owns the
    # process lifetime instead.
    use_daemon_thread = True

    def __init__(self, context: ChildContext | None = None) -> None:
        super().__init__()
        self.context = context

    def on_supervised_start(self) -> None:
        """Setup in the actor's thread; an exception here is reported as a failure."""

    def on_supervised_stop(self) -> None:
        """Cleanup on a normal stop."""

    def on_supervised_failure(
        self,
        exception_type: type[BaseException] | None,
        exception_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Cleanup after an exception in a told message."""

    @final
    def on_start(self) -> None:
        # pykka stops an actor whose on_start raises without calling on_failure.
        try:
            self.on_supervised_start()
        except Exception as error:
            self._report_exit(error)
            raise
        if self.context is not None:
            self.context.report_ready(self.actor_urn)

    @final
    def on_stop(self) -> None:
        try:
            self.on_supervised_stop()
        except Exception as error:
            self._report_exit(error)
            raise
        self._report_exit(None)

    @final
    def on_failure(
        self,
        exception_type: type[BaseException] | None,
        exception_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            self.on_supervised_failure(exception_type, exception_value, traceback)
        finally:
            self._report_exit(exception_value or RuntimeError("unknown failure"))

    def _report_exit(self, reason: BaseException | None) -> None:
        if self.context is not None:
            self.context.report_exit(self.actor_urn, reason)


@dataclass
class _Child:
    spec: ChildSpec
    slot: _Slot
    window: RestartWindow
    ref: pykka.ActorRef[Any] | None = None
    incarnation: int = 0
    timer: Cancellable | None = None
    restart_token: object | None = None


@dataclass(frozen=True)
class ChildStatus:
    name: str
    incarnation: int
    running: bool


class Supervisor(SupervisedActor):
    """One-for-one supervisor; itself supervisable, so trees nest (see :func:`supervisor_spec`).

    Root: ``Supervisor.start(specs, runtime=..., policy=..., on_escalate=...)``.
    ``on_escalate`` runs on the supervisor's thread after every child is stopped;
    it must not block on the tree (log and signal the main thread to exit).
    """

    def __init__(
        self,
        children: Sequence[ChildSpec],
        *,
        context: ChildContext | None = None,
        runtime: Runtime | None = None,
        policy: RestartPolicy | None = None,
        on_escalate: Callable[[RestartIntensityExceeded], None] | None = None,
        name: str = "root",
    ) -> None:
        super().__init__(context)
        if context is not None:
            if runtime is not None or on_escalate is not None:
                raise ValueError(
                    "a nested supervisor shares its parent's runtime and escalates to it"
                )
            self.name = context.name
            self._runtime = context.runtime
        else:
            self.name = name
            self._runtime = runtime if runtime is not None else Runtime()
        names = [spec.name for spec in children]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate child names under supervisor {self.name!r}: {names}")
        self._policy = policy if policy is not None else RestartPolicy()
        self._on_escalate = on_escalate
        self._window = RestartWindow(self._policy.period)
        self._stopping = False
        # Declared here, in the starter's thread, so handles resolve once start() returns.
        registry = self._runtime.registry
        self._children = {
            spec.name: _Child(
                spec, registry._declare(spec.name, self.name), RestartWindow(self._policy.period)
            )
            for spec in children
        }

    @property
    def registry(self) -> Registry:
        return self._runtime.registry

    def which_children(self) -> list[ChildStatus]:
        """Like Erlang's; also a way to wait until this supervisor has started."""
        return [
            ChildStatus(name, child.incarnation, child.ref is not None and child.ref.is_alive())
            for name, child in self._children.items()
        ]

    def on_supervised_start(self) -> None:
        try:
            for child in self._children.values():
                if self._stopping:
                    break
                self._start(child)
        except RestartIntensityExceeded:
            raise
        except Exception:
            self._shutdown_children(f"supervisor {self.name!r} failed to start")
            raise

    def on_supervised_stop(self) -> None:
        self._shutdown_children(f"supervisor {self.name!r} stopped")

    def on_supervised_failure(
        self,
        exception_type: type[BaseException] | None,
        exception_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._shutdown_children(f"supervisor {self.name!r} failed: {exception_value!r}")

    def on_receive(self, message: Any) -> Any:
        if isinstance(message, _ChildReady):
            self._on_ready(message)
        elif isinstance(message, _ChildExit):
            child = self._children.get(message.name)
            if child is not None and child.ref is not None and child.ref.actor_urn == message.urn:
                self._exited(child, message.reason)
        elif isinstance(message, _RestartDue):
            child = self._children.get(message.name)
            if child is not None and child.restart_token is message.token and not self._stopping:
                child.restart_token = None
                child.timer = None
                self._start(child)
        else:
            return super().on_receive(message)
        return None

    def _start(self, child: _Child) -> None:
        child.incarnation = child.slot.next_incarnation()
        context = ChildContext(child.spec.name, child.incarnation, self._runtime, self.actor_ref)
        try:
            ref = child.spec.start(context)
            if not issubclass(ref.actor_class, SupervisedActor):
                ref.stop(block=False)
                raise TypeError(
                    f"child {child.spec.name!r} is a {ref.actor_class.__name__}, "
                    "not a SupervisedActor: it could not report its exit"
                )
        except Exception as error:
            log.exception("supervisor %s: starting child %s failed", self.name, child.spec.name)
            self._exited(child, error)
            return
        child.ref = ref

    def _on_ready(self, message: _ChildReady) -> None:
        child = self._children.get(message.name)
        if child is None or child.ref is None or child.ref.actor_urn != message.urn:
            return
        if self._stopping:
            return
        child.slot.up(child.ref)
        self._emit(ChildStarted(self.name, child.spec.name, child.incarnation))

    def _exited(self, child: _Child, reason: BaseException | None) -> None:
        child.ref = None
        restart = child.spec.restart == "permanent" or (
            child.spec.restart == "transient" and reason is not None
        )
        escalate = False
        if restart and not self._stopping:
            escalate = self._window.record(self._runtime.clock()) > self._policy.max_restarts
        will_restart = restart and not escalate and not self._stopping
        if will_restart:
            child.slot.starting()
        else:
            outcome = "failed" if reason is not None else "exited"
            child.slot.stopped(f"{outcome} and is not restarted ({child.spec.restart})")
        name = child.spec.name
        if reason is None:
            log.info("supervisor %s: child %s exited", self.name, name)
            self._emit(ChildStopped(self.name, name, child.incarnation, will_restart))
        else:
            log.warning("supervisor %s: child %s failed: %r", self.name, name, reason)
            self._emit(ChildFailed(self.name, name, child.incarnation, reason, will_restart))
        if escalate:
            self._escalate(name, reason)
        elif will_restart:
            self._schedule_restart(child)

    def _schedule_restart(self, child: _Child) -> None:
        now = self._runtime.clock()
        attempt = child.window.count(now)
        child.window.record(now)
        delay = self._policy.backoff.delay(attempt, self._runtime.rand())
        token = object()
        child.restart_token = token
        due = _RestartDue(child.spec.name, token)
        me = self.actor_ref

        def tell_due() -> None:
            with contextlib.suppress(pykka.ActorDeadError):
                me.tell(due)

        log.info("supervisor %s: restarting %s in %.3f s", self.name, child.spec.name, delay)
        self._emit(RestartScheduled(self.name, child.spec.name, attempt, delay))
        child.timer = self._runtime.scheduler(delay, tell_due)

    def _escalate(self, child_name: str, reason: BaseException | None) -> None:
        policy = self._policy
        error = RestartIntensityExceeded(
            f"supervisor {self.name!r} gave up: more than {policy.max_restarts} restarts "
            f"within {policy.period} s, the last for child {child_name!r} ({reason!r})"
        )
        self._shutdown_children(f"supervisor {self.name!r} gave up after too many restarts")
        self._emit(Escalated(self.name, error))
        if self.context is not None:
            raise error  # pykka calls on_failure, which reports to the parent
        log.critical("%s", error)
        if self._on_escalate is not None:
            try:
                self._on_escalate(error)
            except Exception:
                log.exception("supervisor %s: on_escalate failed", self.name)
        self.stop()

    def _shutdown_children(self, reason: str) -> None:
        self._stopping = True
        for child in reversed(self._children.values()):
            if child.timer is not None:
                child.timer.cancel()
            child.timer = None
            child.restart_token = None
            # Stopped first, so callers fail fast instead of queueing behind the stop.
            child.slot.stopped(reason)
            ref, child.ref = child.ref, None
            if ref is None:
                continue
            timeout = child.spec.shutdown_timeout
            try:
                ref.stop(block=True, timeout=timeout)
            except pykka.Timeout:
                log.warning(
                    "supervisor %s: child %s did not stop within %s s",
                    self.name,
                    child.spec.name,
                    timeout,
                )
                self._emit(ShutdownTimedOut(self.name, child.spec.name, timeout))

    def _emit(self, event: SupervisorEvent) -> None:
        listener = self._runtime.listener
        if listener is None:
            return
        try:
            listener(event)
        except Exception:
            log.exception("supervisor %s: listener failed on %r", self.name, event)


def start_tree(
    children: Sequence[ChildSpec],
    *,
    runtime: Runtime | None = None,
    policy: RestartPolicy | None = None,
    on_escalate: Callable[[RestartIntensityExceeded], None] | None = None,
    name: str = "root",
    timeout: float = 30.0,
) -> pykka.ActorRef[Supervisor]:
    """Start a root supervisor and wait until it has started its children.

    Nested supervisors declare their children's names when their parent starts them,
    so only after this returns does every name in the tree resolve in the registry.
    Blocking: call it off the event loop.
    """
    root = Supervisor.start(
        children, runtime=runtime, policy=policy, on_escalate=on_escalate, name=name
    )
    root.proxy().which_children().get(timeout=timeout)
    return root


def supervisor_spec(
    name: str,
    children: Sequence[ChildSpec],
    *,
    policy: RestartPolicy | None = None,
    restart: Restart = "permanent",
    shutdown_timeout: float | None = None,
) -> ChildSpec:
    """A nested supervisor as a child. Its shutdown timeout defaults to the sum of
    its children's plus a second, since it stops them one after another."""
    specs = tuple(children)
    if shutdown_timeout is None:
        shutdown_timeout = sum(spec.shutdown_timeout for spec in specs) + 1.0

    def start(context: ChildContext) -> pykka.ActorRef[Any]:
        return Supervisor.start(specs, context=context, policy=policy)

    return ChildSpec(name, start, restart=restart, shutdown_timeout=shutdown_timeout)

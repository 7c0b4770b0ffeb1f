from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pykka
import pytest

from minkops.actors.backoff import Backoff, RestartPolicy, RestartWindow
from minkops.actors.supervisor import (
    ChildContext,
    ChildFailed,
    ChildSpec,
    ChildStarted,
    ChildStopped,
    ChildUnavailable,
    Escalated,
    Registry,
    Restart,
    RestartIntensityExceeded,
    RestartScheduled,
    Runtime,
    ShutdownTimedOut,
    SupervisedActor,
    Supervisor,
    UnknownChild,
    configure_thread_stack,
    start_tree,
    supervisor_spec,
)
from tests.actors import WAIT, ManualScheduler, Recorder

NO_BACKOFF = RestartPolicy(max_restarts=10, period=60.0, backoff=Backoff(base=0.0, jitter=0.0))


class Worker(SupervisedActor):
    def __init__(
        self,
        context: ChildContext,
        *,
        fail_start_until: int = 0,
        journal: list[str] | None = None,
    ) -> None:
        super().__init__(context)
        self.fail_start_until = fail_start_until
        self.journal = journal if journal is not None else []
        self.seen: list[Any] = []

    def on_supervised_start(self) -> None:
        assert self.context is not None
        if self.context.incarnation <= self.fail_start_until:
            raise RuntimeError(f"start {self.context.incarnation} failed")

    def on_supervised_stop(self) -> None:
        assert self.context is not None
        self.journal.append(self.context.name)

    def on_receive(self, message: Any) -> Any:
        assert self.context is not None
        match message:
            case "crash":
                raise RuntimeError("boom")
            case "stop":
                self.stop()
            case ("echo", value):
                return value
            case "whoami":
                return (self.context.name, self.context.incarnation)
            case ("hold", entered, release):
                entered.set()
                release.wait(WAIT)
            case ("crash_when", release):
                release.wait(WAIT)
                raise RuntimeError("crashed with messages waiting")
            case ("record", value):
                self.seen.append(value)
            case "seen":
                return list(self.seen)
        return None


class WatchedInbox(queue.Queue[Any]):
    """Lets a test wait until a message is really queued behind another."""

    def __init__(self) -> None:
        super().__init__()
        self.changed = threading.Condition()

    def put(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
        super().put(item, block, timeout)
        with self.changed:
            self.changed.notify_all()

    def wait_size(self, size: int) -> None:
        with self.changed:
            assert self.changed.wait_for(lambda: self.qsize() >= size, WAIT)


class WatchedWorker(Worker):
    @staticmethod
    def _create_actor_inbox() -> WatchedInbox:
        return WatchedInbox()


def worker(name: str, restart: Restart = "permanent", **kwargs: Any) -> ChildSpec:
    return ChildSpec(name, lambda ctx: Worker.start(ctx, **kwargs), restart=restart)


@pytest.fixture(autouse=True)
def stop_actors() -> Iterator[None]:
    yield
    # Roots first: stopping a child behind its supervisor's back would restart it.
    for ref in pykka.ActorRegistry.get_all():
        if issubclass(ref.actor_class, Supervisor):
            ref.stop(timeout=WAIT)
    pykka.ActorRegistry.stop_all(timeout=WAIT)
    assert pykka.ActorRegistry.get_all() == []


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


def start_root(
    children: Sequence[ChildSpec],
    recorder: Recorder,
    *,
    policy: RestartPolicy = NO_BACKOFF,
    on_escalate: Callable[[RestartIntensityExceeded], None] | None = None,
    **runtime: Any,
) -> tuple[pykka.ActorRef[Supervisor], Registry]:
    registry = runtime.pop("registry", Registry())
    rt = Runtime(registry=registry, listener=recorder, **runtime)
    root = start_tree(children, runtime=rt, policy=policy, on_escalate=on_escalate)
    return root, registry


def test_told_crash_restarts_child_and_handle_reaches_new_incarnation(recorder: Recorder) -> None:
    _, registry = start_root([worker("a")], recorder)
    handle = registry.handle("a")
    assert handle.ask("whoami", timeout=WAIT) == ("a", 1)

    handle.tell("crash")

    failed = recorder.wait_for(ChildFailed, child="a", incarnation=1)
    assert isinstance(failed.reason, RuntimeError) and failed.will_restart
    recorder.wait_for(ChildStarted, child="a", incarnation=2)
    assert handle.ask("whoami", timeout=WAIT) == ("a", 2)
    assert handle.incarnation == 2


def test_ask_right_after_a_crash_waits_for_the_restart(recorder: Recorder) -> None:
    _, registry = start_root([worker("a")], recorder)
    handle = registry.handle("a")
    handle.tell("crash")
    assert handle.ask(("echo", 7), timeout=WAIT) == 7


def start_watched(
    recorder: Recorder, restart: Restart, **runtime: Any
) -> tuple[pykka.ActorRef[Supervisor], Registry, WatchedInbox]:
    spec = ChildSpec("w", lambda ctx: WatchedWorker.start(ctx), restart=restart)
    root, registry = start_root([spec], recorder, **runtime)
    recorder.wait_for(ChildStarted, child="w", incarnation=1)
    (ref,) = pykka.ActorRegistry.get_by_class(WatchedWorker)
    assert isinstance(ref.actor_inbox, WatchedInbox)
    return root, registry, ref.actor_inbox


def test_ask_queued_when_a_temporary_child_dies_fails_fast(recorder: Recorder) -> None:
    _, registry, inbox = start_watched(recorder, "temporary")
    handle = registry.handle("w")
    release = threading.Event()
    handle.tell(("crash_when", release))
    with ThreadPoolExecutor(1) as pool:
        started = time.monotonic()
        answer = pool.submit(handle.ask, ("echo", 1), 30.0)
        inbox.wait_size(1)
        release.set()
        with pytest.raises(ChildUnavailable, match="'w' is stopped"):
            answer.result(WAIT)
    assert time.monotonic() - started < 5.0  # far from the 30 s timeout


def test_ask_queued_when_a_child_dies_is_retried_on_the_next_incarnation(
    recorder: Recorder,
) -> None:
    _, registry, inbox = start_watched(recorder, "permanent")
    handle = registry.handle("w")
    release = threading.Event()
    handle.tell(("crash_when", release))
    with ThreadPoolExecutor(1) as pool:
        answer = pool.submit(handle.ask, "whoami", WAIT)
        inbox.wait_size(1)
        release.set()
        assert answer.result(WAIT) == ("w", 2)


def test_ask_gives_up_when_the_restart_does_not_come_in_time(recorder: Recorder) -> None:
    scheduler = ManualScheduler()
    _, registry = start_root([worker("a")], recorder, scheduler=scheduler)
    handle = registry.handle("a")
    handle.tell("crash")
    scheduler.next()
    started = time.monotonic()
    with pytest.raises(ChildUnavailable, match=r"not back within 0\.2 s"):
        handle.ask("whoami", timeout=0.2)
    assert 0.2 <= time.monotonic() - started < 2.0


def test_slow_child_raises_pykka_timeout_not_unavailable(recorder: Recorder) -> None:
    _, registry = start_root([worker("a")], recorder)
    handle = registry.handle("a")
    entered, release = threading.Event(), threading.Event()
    handle.tell(("hold", entered, release))
    assert entered.wait(WAIT)
    with pytest.raises(pykka.Timeout):
        handle.ask("whoami", timeout=0.2)
    release.set()


def test_failure_in_on_start_is_reported_and_restarted(recorder: Recorder) -> None:
    _, registry = start_root([worker("a", fail_start_until=2)], recorder)
    assert registry.handle("a").ask("whoami", timeout=WAIT) == ("a", 3)
    failures = recorder.of(ChildFailed, child="a")
    assert [f.incarnation for f in failures] == [1, 2]
    assert str(failures[0].reason) == "start 1 failed"
    assert [e.incarnation for e in recorder.of(ChildStarted, child="a")] == [3]


def test_failure_in_the_start_function_is_restarted(recorder: Recorder) -> None:
    calls: list[int] = []

    def start(ctx: ChildContext) -> pykka.ActorRef[Any]:
        calls.append(ctx.incarnation)
        if len(calls) == 1:
            raise OSError("no connection")
        return Worker.start(ctx)

    _, registry = start_root([ChildSpec("a", start)], recorder)
    assert registry.handle("a").ask("whoami", timeout=WAIT) == ("a", 2)
    failed = recorder.wait_for(ChildFailed, child="a", incarnation=1)
    assert isinstance(failed.reason, OSError)


def test_a_child_that_is_not_supervised_is_rejected(recorder: Recorder) -> None:
    class Plain(pykka.ThreadingActor):
        use_daemon_thread = True

    spec = ChildSpec("plain", lambda ctx: Plain.start(), restart="temporary")
    start_root([spec], recorder)
    failed = recorder.wait_for(ChildFailed, child="plain")
    assert isinstance(failed.reason, TypeError)


@pytest.mark.parametrize(
    ("restart", "message", "expect_restart"),
    [
        ("permanent", "crash", True),
        ("permanent", "stop", True),
        ("transient", "crash", True),
        ("transient", "stop", False),
        ("temporary", "crash", False),
        ("temporary", "stop", False),
    ],
)
def test_restart_types(
    recorder: Recorder, restart: Restart, message: str, expect_restart: bool
) -> None:
    _, registry = start_root([worker("a", restart)], recorder)
    handle = registry.handle("a")
    recorder.wait_for(ChildStarted, child="a", incarnation=1)

    handle.tell(message)

    kind = ChildFailed if message == "crash" else ChildStopped
    assert recorder.wait_for(kind, child="a").will_restart is expect_restart
    if expect_restart:
        assert handle.ask("whoami", timeout=WAIT) == ("a", 2)
    else:
        with pytest.raises(ChildUnavailable, match="not restarted"):
            handle.ask("whoami", timeout=WAIT)
        with pytest.raises(ChildUnavailable):
            handle.tell("whoami")


def test_intensity_exceeded_escalates_to_the_parent_which_restarts_the_subtree(
    recorder: Recorder,
) -> None:
    sub_policy = RestartPolicy(max_restarts=1, period=60.0, backoff=Backoff(base=0.0))
    sub = supervisor_spec("sub", [worker("w"), worker("w2")], policy=sub_policy)
    _, registry = start_root([sub], recorder)
    handle = registry.handle("w")
    old = pykka.ActorRegistry.get_by_class(Worker)
    assert handle.ask("whoami", timeout=WAIT) == ("w", 1)

    handle.tell("crash")
    assert handle.ask("whoami", timeout=WAIT) == ("w", 2)
    handle.tell("crash")

    escalated = recorder.wait_for(Escalated, supervisor="sub")
    assert "more than 1 restarts" in str(escalated.reason)
    failed = recorder.wait_for(ChildFailed, supervisor="root", child="sub")
    assert isinstance(failed.reason, RestartIntensityExceeded) and failed.will_restart
    recorder.wait_for(ChildStarted, supervisor="root", child="sub", incarnation=2)
    recorder.wait_for(ChildStarted, supervisor="sub", child="w2", incarnation=2)
    assert handle.ask("whoami", timeout=WAIT) == ("w", 3)
    assert registry.handle("w2").ask("whoami", timeout=WAIT) == ("w2", 2)
    assert not any(ref.is_alive() for ref in old)


def test_root_escalation_stops_everything_and_calls_on_escalate(recorder: Recorder) -> None:
    escalations: list[RestartIntensityExceeded] = []
    done = threading.Event()

    def on_escalate(error: RestartIntensityExceeded) -> None:
        escalations.append(error)
        done.set()

    policy = RestartPolicy(max_restarts=0, period=60.0)
    root, registry = start_root(
        [worker("a"), worker("b")], recorder, policy=policy, on_escalate=on_escalate
    )
    registry.handle("a").ask("whoami", timeout=WAIT)

    registry.handle("a").tell("crash")

    assert done.wait(WAIT)
    assert "'root' gave up" in str(escalations[0])
    assert root.actor_stopped.wait(WAIT)
    assert pykka.ActorRegistry.get_by_class(Worker) == []
    with pytest.raises(ChildUnavailable, match="gave up"):
        registry.handle("b").ask("whoami", timeout=WAIT)


def test_restarts_outside_the_period_do_not_count(recorder: Recorder) -> None:
    now = [0.0]
    escalated = threading.Event()
    policy = RestartPolicy(max_restarts=1, period=10.0, backoff=Backoff(base=0.0))
    _, registry = start_root(
        [worker("a")],
        recorder,
        policy=policy,
        on_escalate=lambda error: escalated.set(),
        clock=lambda: now[0],
    )
    handle = registry.handle("a")
    handle.tell("crash")
    assert handle.ask("whoami", timeout=WAIT) == ("a", 2)
    now[0] = 11.0
    handle.tell("crash")
    assert handle.ask("whoami", timeout=WAIT) == ("a", 3)
    handle.tell("crash")
    assert escalated.wait(WAIT)


def test_backoff_delay_grows_caps_and_jitters() -> None:
    backoff = Backoff(base=0.1, maximum=1.0, factor=2.0, jitter=0.5)
    assert [backoff.delay(n, 0.5) for n in range(5)] == pytest.approx([0.1, 0.2, 0.4, 0.8, 1.0])
    assert backoff.delay(1000, 0.5) == 1.0
    assert backoff.delay(0, 0.0) == pytest.approx(0.05)
    assert backoff.delay(0, 0.999) == pytest.approx(0.1499, abs=1e-4)
    with pytest.raises(ValueError, match="jitter"):
        Backoff(jitter=2.0)


def test_restart_window_forgets_old_restarts() -> None:
    window = RestartWindow(period=5.0)
    assert window.record(0.0) == 1
    assert window.record(4.0) == 2
    assert window.count(5.0) == 1
    assert window.record(9.5) == 1


def test_restart_backoff_grows_with_deterministic_jitter(recorder: Recorder) -> None:
    scheduler = ManualScheduler()
    samples = iter([0.0, 0.5, 1.0])
    policy = RestartPolicy(
        max_restarts=10, period=60.0, backoff=Backoff(base=0.1, maximum=5.0, jitter=0.5)
    )
    _, registry = start_root(
        [worker("a")], recorder, policy=policy, scheduler=scheduler, rand=lambda: next(samples)
    )
    handle = registry.handle("a")
    for incarnation in (1, 2, 3):
        recorder.wait_for(ChildStarted, child="a", incarnation=incarnation)
        handle.tell("crash")
        scheduler.next().fire()
    assert handle.ask("whoami", timeout=WAIT) == ("a", 4)
    scheduled = recorder.of(RestartScheduled, child="a")
    assert [e.attempt for e in scheduled] == [0, 1, 2]
    assert [e.delay for e in scheduled] == pytest.approx([0.05, 0.2, 0.6])
    assert [p.delay for p in scheduler.scheduled] == pytest.approx([0.05, 0.2, 0.6])


def test_tells_during_a_restart_are_buffered_and_delivered_in_order(recorder: Recorder) -> None:
    scheduler = ManualScheduler()
    _, registry = start_root([worker("a")], recorder, scheduler=scheduler)
    handle = registry.handle("a")
    handle.tell("crash")
    pending = scheduler.next()
    for value in range(3):
        handle.tell(("record", value))
    pending.fire()
    assert handle.ask("seen", timeout=WAIT) == [0, 1, 2]


def test_a_full_restart_buffer_raises(recorder: Recorder) -> None:
    scheduler = ManualScheduler()
    registry = Registry(buffer_size=2)
    start_root([worker("a")], recorder, scheduler=scheduler, registry=registry)
    handle = registry.handle("a")
    handle.tell("crash")
    scheduler.next()
    handle.tell(("record", 1))
    handle.tell(("record", 2))
    with pytest.raises(ChildUnavailable, match="buffer of 2 messages is full"):
        handle.tell(("record", 3))


def test_stop_is_in_reverse_start_order_across_restarts_and_nesting(recorder: Recorder) -> None:
    journal: list[str] = []
    inner = supervisor_spec("inner", [worker("x", journal=journal), worker("y", journal=journal)])
    root, registry = start_root(
        [worker("a", journal=journal), inner, worker("c", journal=journal)], recorder
    )
    registry.handle("y").ask("whoami", timeout=WAIT)
    registry.handle("a").tell("crash")
    assert registry.handle("a").ask("whoami", timeout=WAIT) == ("a", 2)

    assert root.stop(timeout=WAIT)

    assert journal == ["c", "y", "x", "a"]
    assert pykka.ActorRegistry.get_all() == []


def test_a_child_stuck_past_its_shutdown_timeout_is_abandoned(recorder: Recorder) -> None:
    spec = ChildSpec("slow", lambda ctx: Worker.start(ctx), shutdown_timeout=0.2)
    root, registry = start_root([spec], recorder)
    entered, release = threading.Event(), threading.Event()
    registry.handle("slow").tell(("hold", entered, release))
    assert entered.wait(WAIT)
    started = time.monotonic()
    assert root.stop(timeout=WAIT)
    assert time.monotonic() - started < 2.0
    recorder.wait_for(ShutdownTimedOut, child="slow", timeout=0.2)
    release.set()


def test_names_are_checked(recorder: Recorder) -> None:
    registry = Registry()
    with pytest.raises(ValueError, match="duplicate"):
        Supervisor.start([worker("a"), worker("a")], runtime=Runtime(registry=registry))
    start_root([worker("a")], recorder, registry=registry)
    with pytest.raises(UnknownChild):
        registry.handle("b")
    with pytest.raises(ValueError, match="already belongs"):
        Supervisor.start([worker("a")], runtime=Runtime(registry=registry), name="other")


def test_configure_thread_stack_applies_to_new_threads() -> None:
    previous = configure_thread_stack(256 * 1024)
    try:
        assert threading.stack_size() == 256 * 1024
    finally:
        threading.stack_size(previous)

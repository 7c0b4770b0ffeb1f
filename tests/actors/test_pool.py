from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pykka
import pytest

from minkops.actors.backoff import Backoff, RestartPolicy
from minkops.actors.pool import Pool, PoolHandle, PoolMember
from minkops.actors.supervisor import (
    ChildContext,
    ChildFailed,
    ChildStarted,
    Registry,
    Runtime,
    SupervisedActor,
    Supervisor,
    start_tree,
)
from tests.actors import WAIT, Recorder

POLICY = RestartPolicy(max_restarts=10, period=60.0, backoff=Backoff(base=0.0))


class ApiMember(PoolMember):
    def on_job(self, message: Any) -> Any:
        assert self.context is not None
        match message:
            case "whoami":
                return self.context.name
            case ("hold", entered, release):
                entered.set()
                release.wait(WAIT)
                return self.context.name
            case "crash":
                raise RuntimeError("api call blew up")
        return None


class NotAMember(SupervisedActor):
    pass


@pytest.fixture(autouse=True)
def stop_actors() -> Iterator[None]:
    yield
    for ref in pykka.ActorRegistry.get_all():
        if issubclass(ref.actor_class, Supervisor):
            ref.stop(timeout=WAIT)
    pykka.ActorRegistry.stop_all(timeout=WAIT)
    assert pykka.ActorRegistry.get_all() == []


def start_pool(size: int, recorder: Recorder) -> tuple[Pool, PoolHandle]:
    pool = Pool("api", size, lambda ctx: ApiMember.start(ctx), policy=POLICY)
    registry = Registry()
    start_tree([pool.spec()], runtime=Runtime(registry=registry, listener=recorder), policy=POLICY)
    return pool, pool.handle(registry)


def test_idle_members_take_turns() -> None:
    _, handle = start_pool(3, Recorder())
    answers = [handle.ask("whoami", timeout=WAIT) for _ in range(6)]
    assert answers == ["api.0", "api.1", "api.2", "api.0", "api.1", "api.2"]


def test_a_slow_member_does_not_hold_up_the_others() -> None:
    pool, handle = start_pool(2, Recorder())
    entered, release = threading.Event(), threading.Event()
    with ThreadPoolExecutor(1) as executor:
        slow = executor.submit(handle.ask, ("hold", entered, release), WAIT)
        assert entered.wait(WAIT)
        in_flight = pool.in_flight()
        assert sorted(in_flight) == [0, 1]
        busy, idle = f"api.{in_flight.index(1)}", f"api.{in_flight.index(0)}"

        # Round-robin would send every other message behind the held call.
        answers = {handle.ask("whoami", timeout=1.0) for _ in range(6)}

        assert answers == {idle}
        release.set()
        assert slow.result(WAIT) == busy
    assert pool.in_flight() == [0, 0]


def test_told_work_counts_until_handled() -> None:
    pool, handle = start_pool(2, Recorder())
    entered, release = threading.Event(), threading.Event()
    handle.tell(("hold", entered, release))
    assert entered.wait(WAIT)
    assert sorted(pool.in_flight()) == [0, 1]
    release.set()
    # A member handles its inbox in order: once each has answered a direct ask, the told job's
    # bookkeeping (done after its handler returns) has run too.
    for member in pykka.ActorRegistry.get_by_class(ApiMember):
        member.ask("whoami", timeout=WAIT)
    assert pool.in_flight() == [0, 0]


def test_a_crashed_member_is_restarted_and_the_pool_keeps_answering() -> None:
    recorder = Recorder()
    _, handle = start_pool(2, recorder)
    handle.tell("crash")
    failed = recorder.wait_for(ChildFailed, supervisor="api")
    assert str(failed.reason) == "api call blew up"
    recorder.wait_for(ChildStarted, child=failed.child, incarnation=2)
    answers = {handle.ask("whoami", timeout=WAIT) for _ in range(4)}
    assert answers == {"api.0", "api.1"}


def test_members_must_be_pool_members() -> None:
    recorder = Recorder()

    def start(ctx: ChildContext) -> pykka.ActorRef[Any]:
        return NotAMember.start(ctx)

    pool = Pool("bad", 1, start, policy=RestartPolicy(max_restarts=0))
    escalated = threading.Event()
    start_tree(
        [pool.spec()],
        runtime=Runtime(listener=recorder),
        policy=RestartPolicy(max_restarts=0),
        on_escalate=lambda error: escalated.set(),
    )
    failed = recorder.wait_for(ChildFailed, child="bad.0")
    assert isinstance(failed.reason, TypeError)
    assert escalated.wait(WAIT)


def test_pool_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Pool("empty", 0, lambda ctx: ApiMember.start(ctx))

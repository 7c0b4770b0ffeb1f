"""The circuit breaker on a hand-driven clock."""

from __future__ import annotations

import threading

import pytest

from minkops.ai.circuit import CircuitBreaker
from tests.ai.conftest import FakeClock


def state_of(circuit: CircuitBreaker) -> str:
    """The state, unnarrowed: it changes between calls, which mypy cannot see."""
    return circuit.state


def make(clock: FakeClock, failures: int = 3) -> CircuitBreaker:
    return CircuitBreaker("test", failures, 30.0, clock=clock)


def test_opens_after_consecutive_failures_only(clock: FakeClock) -> None:
    circuit = make(clock)
    circuit.record_failure()
    circuit.record_failure()
    circuit.record_success()  # resets the count
    circuit.record_failure()
    circuit.record_failure()
    assert state_of(circuit) == "closed" and circuit.allow()

    circuit.record_failure()

    assert state_of(circuit) == "open"
    assert not circuit.allow()


def test_half_open_after_the_reset_time_lets_one_probe_through(clock: FakeClock) -> None:
    circuit = make(clock, failures=1)
    circuit.record_failure()
    clock.advance(29.9)
    assert not circuit.allow()

    clock.advance(0.1)

    assert state_of(circuit) == "half_open"
    assert circuit.allow()
    assert not circuit.allow()  # the probe is still out
    circuit.record_success()
    assert state_of(circuit) == "closed"
    assert circuit.allow() and circuit.allow()


def test_a_failed_probe_opens_the_circuit_for_another_period(clock: FakeClock) -> None:
    circuit = make(clock, failures=1)
    circuit.record_failure()
    clock.advance(30)
    assert circuit.allow()

    circuit.record_failure()

    assert state_of(circuit) == "open"
    clock.advance(29)
    assert not circuit.allow()
    clock.advance(1)
    assert circuit.allow()


def test_only_one_of_many_threads_gets_the_probe(clock: FakeClock) -> None:
    circuit = make(clock, failures=1)
    circuit.record_failure()
    clock.advance(30)
    start = threading.Barrier(8)
    allowed: list[bool] = []
    lock = threading.Lock()

    def attempt() -> None:
        start.wait(timeout=5)
        result = circuit.allow()
        with lock:
            allowed.append(result)

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)

    assert sorted(allowed) == [False] * 7 + [True]


@pytest.mark.parametrize(("failures", "reset"), [(0, 1.0), (1, 0.0)])
def test_rejects_nonsense_settings(failures: int, reset: float) -> None:
    with pytest.raises(ValueError):
        CircuitBreaker("x", failures, reset)

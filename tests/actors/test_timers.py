from __future__ import annotations

import threading

from minkops.actors.timers import TimerThread


def test_fires_in_due_order_on_one_thread_and_skips_cancelled() -> None:
    timers = TimerThread()
    fired: list[str] = []
    threads: set[str] = set()
    done = threading.Event()

    def record(name: str) -> None:
        fired.append(name)
        threads.add(threading.current_thread().name)
        if name == "last":
            done.set()

    timers(0.06, lambda: record("last"))
    cancelled = timers(0.02, lambda: record("cancelled"))
    timers(0.01, lambda: record("first"))
    timers(0.03, lambda: record("second"))
    cancelled.cancel()
    assert done.wait(5)
    assert fired == ["first", "second", "last"]
    assert threads == {"minkops-timers"}
    assert timers.pending() == 0


def test_a_failing_callback_does_not_stop_the_others() -> None:
    timers = TimerThread()
    done = threading.Event()

    def fail() -> None:
        raise RuntimeError("bug")

    timers(0.0, fail)
    timers(0.01, done.set)
    assert done.wait(5)

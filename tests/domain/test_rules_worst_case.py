"""No message holds the rule engine: every pattern runs in linear time.

One 65,000-character message of dots once held the interpreter for 53 s (an end-anchored
pattern searched from every offset). These inputs are the worst shapes we can build: runs
of each separator, of each keyword that starts a rule, of names, numbers and times,
repeated up to the body limit and beyond it. Each must read fast, and reading ten times
as much must cost about ten times as long, not a hundred.
"""

from __future__ import annotations

import gc
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from minkops.domain.rules import RuleEngine
from minkops.domain.understanding import RosterEntry, UnderstandingContext

BODY_LIMIT = 1_600
LARGEST = 65_000

UNITS = (
    ".", " ", ",", "a", "9", "-", ":", "?", "!", "#", "'", '"', "(", "é", "😀", "\n",
    "a ", "1 ", "9:", "1:1", ". ", ", ", "y ", "and ", "que ", "the ", "send ", "remind me ",
    "task ", "tarea para ", "every monday ", "at 9 ", "todos los lunes ", "hmm ", "please ",
    "tell juan to ", "juan ", "juan perez ", "done ", "#1 ", "+34 ", "+34 600 ", "de ",
    "a las ", "in 2 hours ", "stop ", "ok ", "my ", "what ", "can you ", "recuerdale a ",
    "hecho ", "cambia ", "rename task 4 to ", "add ", "x" * 50 + " ", "juan's ", "me ",
    "thanks ", "'s ", "que juan ", "tiene que ", "needs to ", "finished the ", "ja ",
    "reminder ", "recordatorio del ", "cancel the ", "j'ai ", "ja fiz ",
    "remnd ", "tomorow ", "tarae ",  # typos: each one fixed, none restarts the reading
)  # fmt: skip

CONTEXT = UnderstandingContext(
    role="admin",
    language="en",
    timezone="Europe/Madrid",
    now=datetime(2025, 3, 27, 10, 0, tzinfo=ZoneInfo("Europe/Madrid")),
    roster=(RosterEntry("Juan Pérez", "staff", "es"), RosterEntry("Ana García", "admin", "es")),
)


def _message(unit: str, length: int) -> str:
    return (unit * (length // len(unit) + 1))[:length]


def _seconds(engine: RuleEngine, message: str) -> float:
    """The fastest of three reads with the garbage collector paused: late in a long test
    run a collection can scan everything earlier tests left, which says nothing about
    how reading grows with the message."""
    best = float("inf")
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            started = time.perf_counter()
            engine.understand(message, CONTEXT)
            best = min(best, time.perf_counter() - started)
    finally:
        gc.enable()
    return best


@pytest.mark.parametrize("unit", UNITS, ids=repr)
def test_the_worst_inputs_read_in_linear_time(unit: str) -> None:
    engine = RuleEngine()
    at_limit = _seconds(engine, _message(unit, BODY_LIMIT))
    small = _seconds(engine, _message(unit, LARGEST // 10))
    largest = _seconds(engine, _message(unit, LARGEST))
    assert at_limit < 0.25, f"{BODY_LIMIT} chars of {unit!r} took {at_limit:.3f}s"
    assert largest < 2.0, f"{LARGEST} chars of {unit!r} took {largest:.3f}s"
    # Linear: ten times the text, about ten times the time (quadratic would be ~100).
    assert largest < max(small, 0.002) * 30, (
        f"{unit!r}: {LARGEST // 10} chars {small:.4f}s, {LARGEST} chars {largest:.4f}s"
    )


HEADS = ("juan", "1", "a la tarea 1", "done", "remind me", "#1", "tell juan", "at 9", "que juan")
RUNS = (" ", " \t", "\n", ".", ",", "-", "x ")
TAILS = ("", "x", "to call the bank")


@pytest.mark.parametrize("run", RUNS, ids=repr)
@pytest.mark.parametrize("head", HEADS, ids=repr)
def test_a_long_run_between_words_reads_in_linear_time(head: str, run: str) -> None:
    """A word, a long run, then words again: a pattern with a lazy `.+?` before `\\s+`
    retried the run from every offset (6,000 spaces after "a la tarea 1" took 3 s)."""
    engine = RuleEngine()
    for tail in TAILS:
        at_limit = _seconds(engine, head + _message(run, BODY_LIMIT - len(head) - len(tail)) + tail)
        small = _seconds(engine, head + _message(run, LARGEST // 10) + tail)
        largest = _seconds(engine, head + _message(run, LARGEST) + tail)
        shape = f"{head!r} + {run!r}… + {tail!r}"
        assert at_limit < 0.25, f"{shape} at {BODY_LIMIT} chars took {at_limit:.3f}s"
        assert largest < 2.0, f"{shape} at {LARGEST} chars took {largest:.3f}s"
        assert largest < max(small, 0.002) * 30, (
            f"{shape}: {LARGEST // 10} chars {small:.4f}s, {LARGEST} chars {largest:.4f}s"
        )

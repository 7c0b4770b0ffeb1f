"""Baseline for memory: resident memory per plain idle pykka actor, in a fresh process.

Run as `python -m minkops.bench.idle_actors COUNT STACK_KIB`; prints JSON. A process of
its own, so that nothing else the benchmark holds moves its resident memory.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pykka

from minkops.actors.supervisor import configure_thread_stack
from minkops.bench.machine import rss_kib


class _Idle(pykka.ThreadingActor):
    use_daemon_thread = True

    def on_receive(self, message: Any) -> Any:
        return message


def measure(count: int, stack_kib: int) -> dict[str, int]:
    configure_thread_stack(stack_kib * 1024)
    # One actor first, so that what any first actor costs once is not counted per actor.
    first = _Idle.start()
    first.ask(None)
    before = rss_kib()
    refs = [_Idle.start() for _ in range(count)]
    for ref in refs:
        ref.ask(None)  # every thread has run: its stack and state are touched
    after = rss_kib()
    for ref in [first, *refs]:
        ref.stop(block=False)
    return {"count": count, "rss_before_kib": before, "rss_after_kib": after}


def idle_actor_kib(count: int, stack_kib: int) -> float:
    """KiB of resident memory per idle pykka ThreadingActor with this thread stack size."""
    output = subprocess.run(
        [sys.executable, "-m", "minkops.bench.idle_actors", str(count), str(stack_kib)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
    result: dict[str, int] = json.loads(output)
    return (result["rss_after_kib"] - result["rss_before_kib"]) / count


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]), int(sys.argv[2]))))

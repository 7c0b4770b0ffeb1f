"""What a process holds (from /proc) and what machine the figures came from."""

from __future__ import annotations

import os
import platform
from importlib.metadata import version
from pathlib import Path


def _status_field(pid: int | str, name: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return int(line.split()[1])
    raise LookupError(f"/proc/{pid}/status has no {name}")


def rss_kib(pid: int | str = "self") -> int:
    """Resident memory of a process in KiB (VmRSS)."""
    return _status_field(pid, "VmRSS")


def thread_count(pid: int | str = "self") -> int:
    return _status_field(pid, "Threads")


_TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int | str) -> tuple[str, list[str]]:
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :].split()


def cpu_seconds(pid: int | str = "self") -> float:
    """User + system CPU time of a process (all its threads) so far."""
    fields = _stat_fields(pid)[1]
    return (int(fields[11]) + int(fields[12])) / _TICKS


def main_thread_cpu_seconds(pid: int) -> float:
    """CPU time of a process's first thread: the event loop of an asyncio service."""
    return cpu_seconds(f"{pid}/task/{pid}")


def parent_pid(pid: int) -> int:
    return int(_stat_fields(pid)[1][1])


def process_tree_cpu_seconds(root_pid: int) -> float:
    """CPU time of a process, of its children that exited (once it reaped them), and of
    its live children: a postmaster and every backend it ever had, as pools reconnect."""
    fields = _stat_fields(root_pid)[1]
    total = sum(int(value) for value in fields[11:15]) / _TICKS
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = _stat_fields(entry.name)[1]
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue  # exited meanwhile
        if int(fields[1]) == root_pid:
            total += (int(fields[11]) + int(fields[12])) / _TICKS
    return total


def busy_cpu_seconds() -> float:
    """CPU time spent by the whole machine so far (everything but idle and iowait)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / _TICKS


def total_memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def describe(postgres_version: str) -> str:
    """One line: cores, memory, kernel, Python, PostgreSQL and the libraries that matter here."""
    return (
        f"{os.cpu_count()} cores, {total_memory_gib():.1f} GiB RAM, "
        f"Linux {platform.release()}, Python {platform.python_version()}, "
        f"PostgreSQL {postgres_version}, pykka {version('pykka')}, "
        f"aiohttp {version('aiohttp')}, asyncpg {version('asyncpg')}"
    )

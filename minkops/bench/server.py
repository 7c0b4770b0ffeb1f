"""The real `minkops serve` process, as an operator runs it, watched from outside.

A process of its own, not the app in ours: its resident memory is the service's alone,
and the load generator does not share its interpreter lock.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from minkops.bench.machine import rss_kib, thread_count
from minkops.bench.webhooks import Twilio

_READY_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class ServerOptions:
    dsn: str
    twilio: Twilio
    twilio_api_base: str
    work_dir: Path
    max_live: int
    pool_max: int | None = None
    log_level: str = "info"


@dataclass(frozen=True)
class ActorMetrics:
    live: int
    activations: int
    activation_seconds_sum: float


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _environment(options: ServerOptions, port: int, overlay: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MINKOPS_", "TWILIO_", "OPENAI_", "STRIPE_", "DATABASE_URL"))
    }
    env.update(
        {
            "DATABASE_URL": options.dsn,
            "MINKOPS_CONFIG": str(overlay),
            "MINKOPS_DATA_DIR": str(options.work_dir),
            "MINKOPS_HTTP_HOST": "127.0.0.1",
            "MINKOPS_HTTP_PORT": str(port),
            "MINKOPS_LOG_FORMAT": "json",
            "MINKOPS_LOG_LEVEL": options.log_level,
            "TWILIO_ACCOUNT_SID": options.twilio.account_sid,
            "TWILIO_AUTH_TOKEN": options.twilio.auth_token,
            "TWILIO_WHATSAPP_NUMBER": options.twilio.number,
            "TWILIO_API_BASE": options.twilio_api_base,
        }
    )
    return env


def _overlay(options: ServerOptions) -> str:
    text = f"[actors]\nmax_live = {options.max_live}\n"
    # The benchmarks measure MinkOps, not the pace Twilio grants a sender (10/s by default).
    text += "\n[outbound]\ntext_messages_per_second = 1000.0\nmedia_messages_per_second = 1000.0\n"
    if options.pool_max is not None:
        text += f"\n[database]\npool_max = {options.pool_max}\n"
    return text


class ServerProcess:
    def __init__(self, options: ServerOptions) -> None:
        self.options = options
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = options.work_dir / f"minkops-serve-{self.port}.log"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self._process is not None, "not started"
        return self._process.pid

    async def start(self) -> float:
        """Start and wait until /readyz answers 200; returns the seconds that took."""
        overlay = self.options.work_dir / f"overlay-{self.port}.toml"
        overlay.write_text(_overlay(self.options))
        env = _environment(self.options, self.port, overlay)
        started = time.perf_counter()
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "minkops", "serve"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        await self._wait_ready()
        return time.perf_counter() - started

    async def _wait_ready(self) -> None:
        deadline = time.monotonic() + _READY_TIMEOUT_S
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                self._check_running()
                try:
                    async with session.get(f"{self.url}/readyz") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError(f"minkops serve not ready in {_READY_TIMEOUT_S} s\n{self.log_tail()}")

    def _check_running(self) -> None:
        if self._process is not None and self._process.poll() is not None:
            raise RuntimeError(
                f"minkops serve exited with {self._process.returncode}\n{self.log_tail()}"
            )

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"

    def rss_kib(self) -> int:
        return rss_kib(self.pid)

    def threads(self) -> int:
        return thread_count(self.pid)

    async def actor_metrics(self) -> ActorMetrics:
        self._check_running()
        async with aiohttp.ClientSession() as session, session.get(f"{self.url}/metrics") as r:
            text = await r.text()
        values: dict[str, float] = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                name, _, value = line.rpartition(" ")
                values[name] = float(value)
        return ActorMetrics(
            live=int(values.get("minkops_org_actors_live", 0)),
            activations=int(values.get("minkops_org_activation_seconds_count", 0)),
            activation_seconds_sum=values.get("minkops_org_activation_seconds_sum", 0.0),
        )

    async def wait_live(self, expected: int, timeout: float) -> int:
        """Wait until `expected` org actors are live; returns how many are."""
        deadline = time.monotonic() + timeout
        while True:
            live = (await self.actor_metrics()).live
            if live >= expected or time.monotonic() > deadline:
                return live
            await asyncio.sleep(0.1)

    async def stop(self, timeout: float = 120.0) -> float:
        """SIGTERM (drain, then stop the actors) and wait; returns the seconds that took."""
        process = self._process
        if process is None or process.poll() is not None:
            return 0.0
        started = time.perf_counter()
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.to_thread(process.wait, timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            await asyncio.to_thread(process.wait, 10)
            raise RuntimeError(
                f"minkops serve did not stop in {timeout} s\n{self.log_tail()}"
            ) from None
        return time.perf_counter() - started

    def kill(self) -> None:
        """For clean-up after a failure: the process must not outlive the benchmark."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait(10)

"""Start the real `minkops` program as a subprocess, as an operator would."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from minkops.sandbox.twilio_api import TwilioStandIn, TwilioStandInThread

ACCOUNT_SID = "AC" + "e" * 32
AUTH_TOKEN = "e2e-token-" + "y" * 22
MINKOPS_NUMBER = "+14155238886"
MINKOPS = Path(sys.executable).parent / "minkops"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def run_cli(env: Mapping[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(MINKOPS), *args], env=dict(env), capture_output=True, text=True, timeout=60
    )


@dataclass
class RunningService:
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    public_url: str
    log_path: Path

    def log_events(self) -> list[dict[str, object]]:
        events = []
        for line in self.log_path.read_text().splitlines():
            try:
                events.append(json.loads(line))
            except json.JSONDecodeError:
                continue
        return events

    def stop(self, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout)


def wait_ready(
    url: str, process: subprocess.Popen[bytes], log_path: Path, timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"minkops exited with {process.returncode}:\n{log_path.read_text()}"
            )
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"minkops was not ready in {timeout} s:\n{log_path.read_text()}")


@pytest.fixture
def twilio_thread() -> Iterator[TwilioStandInThread]:
    with TwilioStandInThread(
        # The tests post signed webhooks to the service themselves (Twilio never saw the
        # inbound message), so the 24-hour window stays out of the way.
        TwilioStandIn(ACCOUNT_SID, AUTH_TOKEN, whatsapp_window=False)
    ) as running:
        yield running


@pytest.fixture
def service_env(
    database_url: str, twilio_thread: TwilioStandInThread, tmp_data_dir: Path
) -> dict[str, str]:
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MINKOPS_", "TWILIO_", "OPENAI_", "STRIPE_"))
    }
    env.update(
        {
            "DATABASE_URL": database_url,
            "MINKOPS_DATA_DIR": str(tmp_data_dir),
            "MINKOPS_HTTP_PORT": str(port),
            "MINKOPS_LOG_FORMAT": "json",
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_WHATSAPP_NUMBER": MINKOPS_NUMBER,
            "TWILIO_API_BASE": twilio_thread.base_url,
        }
    )
    return env


@pytest.fixture
def start_service(service_env: dict[str, str], tmp_data_dir: Path) -> Iterator[object]:
    started: list[RunningService] = []

    def start() -> RunningService:
        log_path = tmp_data_dir / f"minkops-{len(started)}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [str(MINKOPS), "serve"], env=service_env, stdout=log, stderr=subprocess.STDOUT
            )
        url = f"http://127.0.0.1:{service_env['MINKOPS_HTTP_PORT']}"
        service = RunningService(process, service_env, url, log_path)
        started.append(service)
        wait_ready(url, process, log_path)
        return service

    yield start
    for service in started:
        if service.process.poll() is None:
            service.process.kill()
            service.process.wait(10)

"""`minkops replay FILE --target URL`: recorded traffic against a service already running,
its replies read back from the Twilio account it answers with."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from minkops.replay.traffic import Record, write_records
from tests.e2e.conftest import RunningService, run_cli

OWNER, OTHER = "+447700900123", "+447700900124"


@pytest.mark.slow
def test_replay_against_a_running_service(
    start_service: Any, service_env: dict[str, str], tmp_path: Path
) -> None:
    service: RunningService = start_service()
    for name, phone in (("Olivia Owner", OWNER), ("Oscar Owner", OTHER)):
        created = run_cli(
            service_env,
            "org", "create", "--name", f"{name}'s", "--owner-name", name,
            "--owner-phone", phone, "--timezone", "Europe/London", "--plan", "business",
        )  # fmt: skip
        assert created.returncode == 0, created.stderr
    texts = ("help", "task: order milk", "tasks", "thanks!")
    records = [Record(n * 0.05, (OWNER, OTHER)[n % 2], texts[n % 4]) for n in range(24)]
    traffic = tmp_path / "recorded.jsonl"
    write_records(traffic, records)
    done = subprocess.run(
        [sys.executable, "-m", "minkops", "replay", str(traffic), "--target", service.public_url,
         "--json", "--no-progress", "--settle", "60"],
        env=service_env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:] + done.stdout[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert (figures["sent"], figures["acknowledged"], figures["replied"]) == (24, 24, 24)
    assert (figures["lost"], figures["doubled"]) == (0, 0)
    # Run again: what the account already held is not taken for these replies.
    again = subprocess.run(
        [sys.executable, "-m", "minkops", "replay", str(traffic), "--target", service.public_url,
         "--json", "--no-progress", "--settle", "60"],
        env=service_env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    figures = json.loads(again.stdout.strip().splitlines()[-1])
    assert (figures["replied"], figures["lost"], figures["doubled"]) == (24, 0, 0)

"""In `minkops dev`: an admin's "upgrade", the Stripe stand-in's pay page, then "usage".

The real `minkops dev` process (the service and its Twilio, OpenAI and Stripe stand-ins) and
the real `minkops chat`, as the README tells a newcomer to try it.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.e2e.conftest import MINKOPS, free_port, wait_ready

ANA = "+34600000001"  # the demo organization's owner


@pytest.fixture
def dev(database_url: str, tmp_data_dir: Path) -> Iterator[tuple[dict[str, str], str, Path]]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MINKOPS_", "TWILIO_", "OPENAI_", "STRIPE_"))
    }
    port = free_port()
    env |= {
        "DATABASE_URL": database_url,
        "MINKOPS_DATA_DIR": str(tmp_data_dir),
        "MINKOPS_HTTP_PORT": str(port),
        "MINKOPS_LOG_FORMAT": "json",
    }
    log_path = tmp_data_dir / "dev.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen([str(MINKOPS), "dev"], env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process, log_path)
        yield env, url, log_path
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def chat(env: dict[str, str], text: str) -> str:
    done = subprocess.run(
        [str(MINKOPS), "chat", "--as", ANA],
        input=text + "\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_upgrade_pay_and_usage_shows_the_new_plan(
    dev: tuple[dict[str, str], str, Path],
) -> None:
    env, url, log_path = dev
    before = chat(env, "uso")
    assert "plan free" in before, before

    upgrade = chat(env, "mejorar plan")
    links = re.findall(re.escape(url) + r"/billing/[\w-]+", upgrade)
    assert len(links) == 1, upgrade
    opened = requests.get(links[0], allow_redirects=False, timeout=10)
    assert opened.status_code == 303
    checkout = opened.headers["Location"]
    assert checkout.startswith("http://127.0.0.1:") and checkout != url  # the stand-in's page
    page = requests.get(checkout, timeout=10)
    assert page.status_code == 200 and "Pay" in page.text
    paid = requests.post(checkout, data={"outcome": "pay"}, allow_redirects=False, timeout=10)
    assert paid.status_code == 303

    # The stand-in sends the signed webhooks; the plan changes when they are applied.
    for _ in range(20):
        after = chat(env, "uso")
        if "plan team" in after:
            break
    assert "plan team" in after, after
    assert "5.000" in after  # the team plan's message cap, in Spanish
    log = log_path.read_text()
    assert '"event": "stripe.event_applied"' in log and "checkout.session.completed" in log
    assert "stripe.webhook_rejected" not in log  # every webhook verified

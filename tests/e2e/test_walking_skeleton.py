"""The real `minkops serve` process: a signed "help" and a "task: …" in, replies out via Twilio."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from typing import Any

from minkops.sandbox.chat import ChatTarget, inbound_form
from minkops.twilio_client import make_twilio_client, sign_twilio_request
from tests.e2e.conftest import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    MINKOPS_NUMBER,
    RunningService,
    run_cli,
)

OWNER = "+447700900001"
STAFF = "+447700900002"


def post_signed(service: RunningService, form: dict[str, str]) -> int:
    url = f"{service.public_url}/twilio/whatsapp"
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode(form).encode(),
        headers={"X-Twilio-Signature": sign_twilio_request(AUTH_TOKEN, url, form)},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(response.status)


def wait_for_bodies(client: Any, phone: str, count: int, timeout: float = 15) -> list[str]:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        messages = client.messages.list(to=f"whatsapp:{phone}")
        if len(messages) >= count:
            return [m.body for m in reversed(messages)]
        time.sleep(0.2)
    raise AssertionError(f"fewer than {count} messages to {phone} after {timeout} s")


import urllib.parse  # noqa: E402


def test_help_and_task_through_the_real_process(
    start_service: Callable[[], RunningService], service_env: dict[str, str]
) -> None:
    created = run_cli(
        service_env,
        "org", "create", "--name", "Green Farm", "--owner-name", "Olivia Owner",
        "--owner-phone", OWNER, "--timezone", "Europe/London", "--country", "GB", "--json",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    org_id = json.loads(created.stdout)["id"]
    added = run_cli(
        service_env,
        "member", "add", "--org", str(org_id), "--name", "Sam Staff", "--phone", STAFF,
        "--role", "staff", "--json",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr

    service = start_service()
    target = ChatTarget(
        service.public_url, ACCOUNT_SID, AUTH_TOKEN, MINKOPS_NUMBER, service_env["TWILIO_API_BASE"]
    )
    client = make_twilio_client(ACCOUNT_SID, AUTH_TOKEN, service_env["TWILIO_API_BASE"])

    assert post_signed(service, inbound_form(target, OWNER, "help")) == 200
    (help_reply,) = wait_for_bodies(client, OWNER, 1)
    assert "Hi Olivia" in help_reply and "done 3" in help_reply

    assert (
        post_signed(service, inbound_form(target, OWNER, "task for Sam: order milk by 5pm")) == 200
    )
    owner_bodies = wait_for_bodies(client, OWNER, 2)
    assert "Task #1: order milk for Sam Staff" in owner_bodies[1]
    (assigned,) = wait_for_bodies(client, STAFF, 1)
    assert "New task #1 from Olivia: order milk" in assigned and "17:00" in assigned

    assert service.stop() == 0
    events = service.log_events()
    names = {e.get("event") for e in events}
    assert {"inbound.accepted", "outbound.sent", "service.stopped"} <= names
    # Privacy: no phone number in clear, and no message text at INFO.
    raw = service.log_path.read_text()
    assert OWNER not in raw and STAFF not in raw
    assert "order milk" not in raw

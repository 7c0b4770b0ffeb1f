"""The privacy policy against the real `minkops serve` process and the real CLI.

One conversation per test, as people would have it: STOP and START, an export link used
twice, a correction, a deletion (then a pg_dump), an account closed and purged, a policy
announcement; and the whole log searched for every number and every message body.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

from minkops.sandbox.chat import ChatTarget, inbound_form
from minkops.twilio_client import make_twilio_client
from tests.e2e.conftest import ACCOUNT_SID, AUTH_TOKEN, MINKOPS_NUMBER, RunningService, run_cli
from tests.e2e.test_walking_skeleton import post_signed
from tests.store.test_privacy_store import _pg_dump

OWNER = "+447700900101"
STAFF = "+447700900102"
OWNER_NAME, STAFF_NAME, NEW_NAME = "Olivia Owner", "Sam Staff", "Samuel Stafford"


def _setup(service_env: dict[str, str]) -> int:
    created = run_cli(
        service_env,
        "org", "create", "--name", "Green Farm", "--owner-name", OWNER_NAME,
        "--owner-phone", OWNER, "--timezone", "Europe/London", "--country", "GB", "--json",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    org_id = int(json.loads(created.stdout)["id"])
    added = run_cli(
        service_env,
        "member", "add", "--org", str(org_id), "--name", STAFF_NAME, "--phone", STAFF,
        "--role", "staff", "--json",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    return org_id


class Chat:
    """Writes as people do, and reads what reached them at the Twilio stand-in."""

    def __init__(self, service: RunningService, env: dict[str, str]) -> None:
        self.service = service
        self.target = ChatTarget(
            service.public_url, ACCOUNT_SID, AUTH_TOKEN, MINKOPS_NUMBER, env["TWILIO_API_BASE"]
        )
        self.client = make_twilio_client(ACCOUNT_SID, AUTH_TOKEN, env["TWILIO_API_BASE"])
        self.said: list[str] = []

    def write(self, phone: str, text: str) -> None:
        self.said.append(text)
        assert post_signed(self.service, inbound_form(self.target, phone, text)) == 200

    def bodies(self, phone: str) -> list[str]:
        return [m.body for m in reversed(self.client.messages.list(to=f"whatsapp:{phone}"))]

    def wait(self, phone: str, count: int, timeout: float = 20) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            bodies = self.bodies(phone)
            if len(bodies) >= count:
                return bodies
            time.sleep(0.2)
        raise AssertionError(f"fewer than {count} messages to {phone}: {self.bodies(phone)}")

    def quiet(self, seconds: float = 2.0) -> None:
        """Long enough for anything that would be sent to have been sent."""
        time.sleep(seconds)


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _phone_formats(phone: str) -> list[str]:
    digits = phone.lstrip("+")
    national = digits[2:]  # +44 numbers
    return [
        phone,
        digits,
        urllib.parse.quote(phone, safe=""),
        urllib.parse.quote(f"whatsapp:{phone}", safe=""),
        f"+44 {national[:4]} {national[4:]}",
        f"44 {national[:4]} {national[4:]}",
        f"+44-{national[:4]}-{national[4:]}",
        f"0{national}",
        national,
    ]


def test_stop_start_export_correct_delete_and_logs_keep_secrets(
    start_service: Callable[[], RunningService], service_env: dict[str, str], database_url: str
) -> None:
    _setup(service_env)
    service = start_service()
    chat = Chat(service, service_env)

    # 1. STOP: one confirmation saying how to come back, then nothing at all.
    chat.write(STAFF, "Stop!")
    (stopped,) = chat.wait(STAFF, 1)
    assert "START" in stopped
    chat.write(OWNER, "task for Sam: order milk by 5pm")
    (owner_reply,) = chat.wait(OWNER, 1)
    assert "won't be notified" in owner_reply
    chat.write(STAFF, "my tasks")  # acted on, not answered
    chat.write(STAFF, "STOP")  # no second confirmation
    chat.quiet()
    assert chat.bodies(STAFF) == [stopped]
    chat.write(STAFF, "start")
    started = chat.wait(STAFF, 2)[1]
    assert "STOP" in started

    # 2. Export: a link that works once.
    chat.write(STAFF, "export my data")
    link_reply = chat.wait(STAFF, 3)[2]
    url = next(word for word in link_reply.split() if "/export/" in word)
    assert url.startswith(service.public_url + "/export/")
    status, body = _get(url)
    assert status == 200
    document: dict[str, Any] = json.loads(body)
    assert document["schema"] == "minkops.export/1"
    assert document["member"]["phone"] == STAFF and document["member"]["name"] == STAFF_NAME
    assert [t["title"] for t in document["tasks"]] == ["order milk"]
    assert document["messages"] == {"stopped": False}
    assert document["conversation"]["turns"]
    assert "organization" not in document  # staff: their own data only
    assert _get(url)[0] == 404  # used once
    token = url.rsplit("/", 1)[1]

    # 3. Correction.
    chat.write(STAFF, f"my name is {NEW_NAME}")
    assert NEW_NAME in chat.wait(STAFF, 4)[3]
    chat.write(STAFF, "my language is Portuguese")
    assert "português" in chat.wait(STAFF, 5)[4]
    chat.write(STAFF, "my language is English")
    assert "English" in chat.wait(STAFF, 6)[5]

    # 4. Deletion: asks, then removes them everywhere.
    chat.write(STAFF, "delete my data")
    assert "(yes/no)" in chat.wait(STAFF, 7)[6]
    chat.write(STAFF, "yes")
    assert "deleted" in chat.wait(STAFF, 8)[7]
    owner_count = len(chat.bodies(OWNER))
    chat.write(OWNER, "tasks")  # the owner's context is saved again: without them in it
    assert "order milk" in chat.wait(OWNER, owner_count + 1)[-1]
    chat.quiet()
    retention = run_cli(service_env, "retention", "run", "--json")
    assert retention.returncode == 0, retention.stderr
    assert json.loads(retention.stdout)["removed"]["outbox_to_former_members"] >= 1
    dump = _pg_dump(database_url)
    for trace in [*_phone_formats(STAFF), STAFF_NAME, NEW_NAME]:
        assert trace not in dump, trace
    chat.write(STAFF, "help")  # a stranger now: the one daily explanation
    assert "isn't part of a team" in chat.wait(STAFF, 9)[8]

    assert service.stop() == 0

    # 8. The whole log, at INFO: no number in any format, no message body, no token.
    log = service.log_path.read_text()
    assert "inbound.understood" in log  # the log is the real one, and it was written
    for phone in (OWNER, STAFF):
        for form in _phone_formats(phone):
            assert form not in log, form
    for said in chat.said:
        if len(said) > 5:
            assert said not in log, said
    for sent in chat.bodies(OWNER) + chat.bodies(STAFF):
        assert sent.splitlines()[0] not in log, sent
    assert token not in log


def test_close_the_account_then_purge_it_and_announce(
    start_service: Callable[[], RunningService], service_env: dict[str, str]
) -> None:
    org_id = _setup(service_env)
    service = start_service()
    chat = Chat(service, service_env)

    # 7. Announcements: every admin once, in their language, however often it is run.
    for _ in range(2):
        announced = run_cli(
            service_env, "policy", "announce", "--summary", "We keep context 24 hours.",
            "--url", "https://minkops.example/privacy", "--json",
        )  # fmt: skip
        assert announced.returncode == 0, announced.stderr
    (notice,) = chat.wait(OWNER, 1)
    assert "We keep context 24 hours." in notice and "https://minkops.example/privacy" in notice
    assert json.loads(announced.stdout)["admins_told"] == 0

    # 4. The owner closes the account: everyone told once, then silence.
    chat.write(OWNER, "delete my account")
    assert "(yes/no)" in chat.wait(OWNER, 2)[1]
    chat.write(OWNER, "yes")
    closed = chat.wait(OWNER, 3)[2]
    assert "30 days" in closed
    (told,) = chat.wait(STAFF, 1)
    assert "Green Farm" in told
    chat.write(OWNER, "task for Sam: this must go nowhere")
    chat.write(STAFF, "help")
    chat.quiet()
    assert len(chat.bodies(OWNER)) == 3 and len(chat.bodies(STAFF)) == 1
    assert service.stop() == 0

    # 5. Kept 30 days, then gone.
    later = run_cli(
        service_env, "retention", "run", "--as-of",
        _days_from_now(29), "--json",
    )  # fmt: skip
    assert json.loads(later.stdout)["removed"]["terminated_organizations"] == 0
    dry = run_cli(service_env, "retention", "run", "--as-of", _days_from_now(31), "--dry-run")
    assert "terminated_organizations: would remove 1" in dry.stdout
    purged = run_cli(service_env, "retention", "run", "--as-of", _days_from_now(31), "--json")
    assert json.loads(purged.stdout)["removed"]["terminated_organizations"] == 1
    again = run_cli(service_env, "org", "terminate", "--org", str(org_id))
    assert again.returncode == 2 and "no organization" in again.stderr


def _days_from_now(days: int) -> str:
    from datetime import UTC, datetime, timedelta

    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def test_sign_up_over_whatsapp_and_under_18_keeps_nothing(
    start_service: Callable[[], RunningService], service_env: dict[str, str], database_url: str
) -> None:
    newcomer, minor = "+447700900201", "+447700900202"
    service = start_service()
    chat = Chat(service, service_env)

    # 6. Only a stranger who asks is onboarded; the others get the one explanation.
    chat.write(newcomer, "hello")
    chat.write(newcomer, "hello?")
    chat.quiet()
    (explained,) = chat.bodies(newcomer)
    assert "SIGN UP" in explained
    answers = [
        "sign up", "Pat Baker", "Pat's Bakery", "Leeds", "yes", "yes", "pat@bakery.test", "yes",
    ]  # fmt: skip
    for n, answer in enumerate(answers, start=2):
        chat.write(newcomer, answer)
        chat.wait(newcomer, n)
    replies = chat.bodies(newcomer)
    assert "United Kingdom" in replies[4] and "Europe/London" in replies[5]
    assert "privacy" in replies[7] and "18" in replies[7]
    assert "Pat's Bakery" in replies[8] and "owner" in replies[8]
    chat.write(newcomer, "help")  # now a member of their own organization
    assert "Hi Pat" in chat.wait(newcomer, 10)[9]

    for n, answer in enumerate(
        ["sign up", "Kim", "Kim's Crew", "York", "yes", "yes", "kim@crew.test", "no"], start=1
    ):
        chat.write(minor, answer)
        chat.wait(minor, n)
    assert "18" in chat.bodies(minor)[-1]
    chat.quiet()
    assert service.stop() == 0
    log = service.log_path.read_text()
    assert "signup.created" in log
    for secret in [*_phone_formats(newcomer), *_phone_formats(minor), *answers[1:4], "Kim's Crew"]:
        assert secret not in log, secret
    assert "pat@bakery.test" not in log and "kim@crew.test" not in log

    import asyncio

    import asyncpg

    async def look() -> tuple[Any, ...]:
        owner = await asyncpg.connect(database_url)
        try:
            org = await owner.fetchrow(
                "SELECT o.name, o.city, o.country, o.timezone, o.email, o.plan, m.role"
                " FROM organizations o JOIN members m ON m.org_id = o.id WHERE m.phone = $1",
                newcomer,
            )
            kept = await owner.fetchval(
                "SELECT count(*) FROM inbox WHERE sender = $1 OR message::text LIKE '%Kim%'",
                minor,
            )
            signups = await owner.fetchval("SELECT count(*) FROM sign_ups")
            return tuple(org.values()), kept, signups
        finally:
            await owner.close()

    org, kept, signups = asyncio.run(look())
    assert org == (
        "Pat's Bakery", "Leeds", "GB", "Europe/London", "pat@bakery.test", "free", "admin",
    )  # fmt: skip
    assert kept == 0 and signups == 0

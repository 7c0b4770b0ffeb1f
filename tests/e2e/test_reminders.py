"""Reminders, voice notes out and the 24-hour window, through the real `minkops serve` process.

The Twilio stand-in enforces the window here as Twilio does (accepted, then 63016 in the
status callback), so each test says who has written to it (`record_inbound`).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from minkops.sandbox.chat import ChatTarget, inbound_form
from minkops.sandbox.twilio_api import StoredMessage, TwilioStandIn, TwilioStandInThread
from tests.e2e.conftest import ACCOUNT_SID, AUTH_TOKEN, MINKOPS_NUMBER, RunningService, run_cli
from tests.e2e.test_walking_skeleton import post_signed

OWNER = "+34600000201"
SAM = "+447700900202"
PEDRO = "+34600000203"


def setup_org(env: dict[str, str], *members: tuple[str, str, str, str]) -> int:
    created = run_cli(
        env,
        "org", "create", "--name", "Horno Sol", "--owner-name", "Ana Ruiz",
        "--owner-phone", OWNER, "--timezone", "Europe/Madrid", "--country", "ES",
        "--language", "es", "--json",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    org_id = int(json.loads(created.stdout)["id"])
    for name, phone, language, delivery in members:
        added = run_cli(
            env,
            "member", "add", "--org", str(org_id), "--name", name, "--phone", phone,
            "--role", "staff", "--language", language, "--delivery", delivery,
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
    return org_id


def say(service: RunningService, standin: TwilioStandIn, phone: str, text: str) -> None:
    """`phone` writes `text`: to the service, signed, and the stand-in opens its window."""
    target = ChatTarget(
        service.public_url, ACCOUNT_SID, AUTH_TOKEN, MINKOPS_NUMBER, service.env["TWILIO_API_BASE"]
    )
    standin.record_inbound(phone)
    assert post_signed(service, inbound_form(target, phone, text)) == 200


def to(standin: TwilioStandIn, phone: str) -> list[StoredMessage]:
    return [m for m in standin.messages() if m.to == f"whatsapp:{phone}"]


def wait_until(
    check: Callable[[], list[StoredMessage]], count: int, timeout: float = 20
) -> list[StoredMessage]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if len(found) >= count:
            return found
        time.sleep(0.2)
    raise AssertionError(f"fewer than {count} after {timeout} s: {check()}")


def ended(standin: TwilioStandIn, phone: str) -> list[StoredMessage]:
    return [m for m in to(standin, phone) if m.status in ("delivered", "read", "failed")]


@pytest.fixture
def standin(twilio_thread: TwilioStandInThread) -> TwilioStandIn:
    twilio_thread.stand_in.enforce_whatsapp_window(True)
    return twilio_thread.stand_in


@pytest.mark.slow
def test_reminders_set_by_chat_arrive_on_time_once_in_their_language_across_a_kill_9(
    start_service: Callable[[], RunningService],
    service_env: dict[str, str],
    standin: TwilioStandIn,
) -> None:
    """Two reminders a minute ahead, one in Spanish for Sam (who reads English) and one for
    Ana herself, then kill -9 and a restart before either is due: each arrives on time,
    once, in its reader's language. One test, because each has to wait a real minute."""
    setup_org(service_env, ("Sam Taylor", SAM, "en", "text"))
    service = start_service()
    say(service, standin, SAM, "help")
    wait_until(lambda: to(standin, SAM), 1)
    asked_for_sam = datetime.now(UTC)
    say(service, standin, OWNER, "recuerda a Sam en 1 minuto revisar el horno")
    (confirmation,) = wait_until(lambda: to(standin, OWNER), 1)
    assert "Recordatorio #1" in confirmation.body and "revisar el horno" in confirmation.body
    asked_for_ana = datetime.now(UTC)
    say(service, standin, OWNER, "remind me in 1 minute to check the oven")
    confirmation = wait_until(lambda: ended(standin, OWNER), 2)[1]
    assert "#2" in confirmation.body
    service.process.kill()  # kill -9: no drain, nothing flushed
    service.process.wait(10)
    time.sleep(2)
    restarted = start_service()

    fired = wait_until(lambda: to(standin, SAM), 2, timeout=90)[1]
    # Sam reads English: the catalogue's sentence, around the words as Ana wrote them.
    assert fired.body == "⏰ Reminder from Ana: revisar el horno"
    due = asked_for_sam + timedelta(minutes=1)
    assert due - timedelta(seconds=2) <= fired.date_created <= due + timedelta(seconds=60)
    assert fired.content_sid is None  # Sam wrote a minute ago: free-form
    reminded = wait_until(lambda: to(standin, OWNER), 3, timeout=90)[2]
    assert reminded.body == "⏰ Recordatorio: check the oven"
    due = asked_for_ana + timedelta(minutes=1)
    assert due - timedelta(seconds=2) <= reminded.date_created <= due + timedelta(seconds=60)
    time.sleep(3)
    assert len(to(standin, SAM)) == 2  # once
    assert len(to(standin, OWNER)) == 3  # once
    assert restarted.stop() == 0


def test_a_voice_delivery_member_gets_an_ogg_note_that_is_gone_after_delivery(
    start_service: Callable[[], RunningService],
    service_env: dict[str, str],
    standin: TwilioStandIn,
    tmp_path: Path,
) -> None:
    setup_org(service_env, ("Pedro Gil", PEDRO, "es", "voice"))
    service = start_service()
    say(service, standin, PEDRO, "hola")
    wait_until(lambda: to(standin, PEDRO), 1)
    say(service, standin, OWNER, "tarea para Pedro: limpiar la nevera")
    notice = wait_until(lambda: ended(standin, PEDRO), 2)[1]
    assert notice.status == "delivered", notice
    assert "limpiar la nevera" in notice.body  # the short text line
    (url,) = notice.media_urls
    (fetched,) = notice.fetched_media
    assert (fetched.http_status, fetched.content_type) == (200, "audio/ogg")
    note = tmp_path / "note.ogg"
    note.write_bytes(fetched.data)
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0",
         str(note)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert probe.stdout.strip() == "opus"
    deadline = time.monotonic() + 10
    status = 200
    while time.monotonic() < deadline and status != 404:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        time.sleep(0.2)
    assert status == 404  # deleted once Twilio reported it delivered
    assert service.stop() == 0


def test_someone_silent_for_more_than_24_hours_gets_the_template(
    start_service: Callable[[], RunningService],
    service_env: dict[str, str],
    standin: TwilioStandIn,
) -> None:
    setup_org(service_env, ("Sam Taylor", SAM, "en", "text"))
    service = start_service()
    say(service, standin, SAM, "help")
    wait_until(lambda: ended(standin, SAM), 1)

    async def silence() -> None:  # Sam last wrote 25 hours ago, as far as MinkOps knows
        connection = await asyncpg.connect(service_env["DATABASE_URL"])
        try:
            await connection.execute(
                "UPDATE inbox SET received_at = received_at - interval '25 hours'"
                " WHERE sender = $1",
                SAM,
            )
        finally:
            await connection.close()

    asyncio.run(silence())
    say(service, standin, OWNER, "tarea para Sam: pedir leche")
    notice = wait_until(lambda: ended(standin, SAM), 2)[1]
    assert notice.status == "delivered" and notice.content_sid is not None
    assert notice.sent_as_template
    assert notice.body.startswith("MinkOps update for you:\n") and "order" not in notice.body
    assert "pedir leche" in notice.body
    assert [b.title for b in notice.buttons] == ["Listen", "Done"]

    # Sam taps "Listen": the window opens, and the notice itself follows, free-form.
    target = ChatTarget(
        service.public_url, ACCOUNT_SID, AUTH_TOKEN, MINKOPS_NUMBER, service_env["TWILIO_API_BASE"]
    )
    tap = {**inbound_form(target, SAM, "Listen"), "ButtonPayload": "listen", "ButtonText": "Listen"}
    standin.record_inbound(SAM)
    assert post_signed(service, tap) == 200
    followed = wait_until(lambda: ended(standin, SAM), 3)[2]
    assert followed.status == "delivered" and followed.content_sid is None
    assert followed.body.startswith("📋 New task #1 from Ana: pedir leche")
    time.sleep(2)
    assert len(to(standin, SAM)) == 3  # and nothing else: the tap needs no other answer
    assert service.stop() == 0


def test_twilio_refusing_a_free_form_message_with_63016_is_answered_with_the_template(
    start_service: Callable[[], RunningService],
    service_env: dict[str, str],
    standin: TwilioStandIn,
) -> None:
    setup_org(service_env, ("Sam Taylor", SAM, "en", "text"))
    service = start_service()
    say(service, standin, SAM, "help")
    wait_until(lambda: ended(standin, SAM), 1)
    # MinkOps believes Sam is inside the window; Twilio knows better (the last inbound
    # it saw is 25 hours old): it accepts the free-form notice, then fails it with 63016.
    standin.record_inbound(SAM, datetime.now(UTC) - timedelta(hours=25))
    say(service, standin, OWNER, "tarea para Sam: pedir leche")
    settled = wait_until(lambda: ended(standin, SAM), 3)
    refused, retried = settled[1], settled[2]
    assert (refused.status, refused.error_code, refused.content_sid) == ("failed", 63016, None)
    assert retried.status == "delivered" and retried.sent_as_template
    assert "pedir leche" in retried.body
    time.sleep(2)
    assert len(to(standin, SAM)) == 3  # the template once
    assert service.stop() == 0


def test_templates_sync_is_idempotent_and_reminders_list_prints_json(
    service_env: dict[str, str], standin: TwilioStandIn
) -> None:
    first = run_cli(service_env, "templates", "sync", "--json")
    assert first.returncode == 0, first.stderr
    created = json.loads(first.stdout)["templates"]
    assert len(created) == 16 and all(t["created"] for t in created)  # 4 templates x 4 languages
    assert {t["approval"] for t in created} <= {"received", "pending", "approved"}
    again = run_cli(service_env, "templates", "sync", "--json")
    assert again.returncode == 0, again.stderr
    assert not any(t["created"] for t in json.loads(again.stdout)["templates"])
    assert len(standin.templates()) == 16
    names = {t.friendly_name for t in standin.templates()}
    assert "minkops_announcement_fr" in names and "minkops_reminder_es" in names

    org_id = setup_org(service_env)
    listed = run_cli(service_env, "reminders", "list", "--org", str(org_id), "--json")
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == {"org": org_id, "reminders": []}


def test_a_voice_member_who_never_wrote_gets_the_template_then_after_listen_an_opus_note(
    start_service: Callable[[], RunningService],
    service_env: dict[str, str],
    standin: TwilioStandIn,
    tmp_path: Path,
) -> None:
    # The "Done when", in one run: never written -> template; "Listen" -> the
    # notice itself with its OGG/Opus note; the note is gone (404) once delivered.
    setup_org(service_env, ("Pedro Gil", PEDRO, "es", "voice"))
    service = start_service()
    say(service, standin, OWNER, "tarea para Pedro: limpiar la nevera")
    template = wait_until(lambda: ended(standin, PEDRO), 1)[0]
    assert template.sent_as_template and template.content_sid is not None
    assert template.media_urls == () and "limpiar la nevera" in template.body

    target = ChatTarget(
        service.public_url, ACCOUNT_SID, AUTH_TOKEN, MINKOPS_NUMBER, service_env["TWILIO_API_BASE"]
    )
    tap = {**inbound_form(target, PEDRO, "Escuchar"), "ButtonPayload": "listen"}
    standin.record_inbound(PEDRO)
    assert post_signed(service, tap) == 200
    note = wait_until(lambda: ended(standin, PEDRO), 2)[1]
    assert note.status == "delivered" and note.content_sid is None
    assert "limpiar la nevera" in note.body
    (url,) = note.media_urls
    (fetched,) = note.fetched_media
    assert (fetched.http_status, fetched.content_type) == (200, "audio/ogg")
    (tmp_path / "note.ogg").write_bytes(fetched.data)
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0",
         str(tmp_path / "note.ogg")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert probe.stdout.strip() == "opus"
    deadline, status = time.monotonic() + 10, 200
    while time.monotonic() < deadline and status != 404:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        time.sleep(0.2)
    assert status == 404
    assert service.stop() == 0

"""Inbound WhatsApp messages through the stand-in: the form Twilio posts, signed; media, quick-
reply taps, the window they open; Twilio's connection-override retries; and `minkops chat`."""

from __future__ import annotations

import io
import re
import socket
from typing import Any

import pytest
import requests
from twilio.rest.content.v1.content import ContentList
from twilio.rest.content.v1.content.approval_create import ApprovalCreateList

from minkops.sandbox.chat import ChatTarget, ReplyPrinter, run_chat
from minkops.sandbox.twilio_api import StoredMessage, TwilioStandIn, TwilioStandInThread
from minkops.sandbox.twilio_webhooks import ConnectionOverrides, WebhookUrlError
from minkops.twilio_client import make_twilio_client
from tests.sandbox.twilio_support import (
    MINKOPS,
    SID,
    TOKEN,
    USER,
    WA_FROM,
    WA_TO,
    FakeClock,
    Receiver,
)

WINDOW_ON: dict[str, Any] = {}  # the constructor's defaults


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def webhook(standin: TwilioStandIn, receiver: Receiver) -> Receiver:
    standin.set_messaging_webhook(MINKOPS, receiver.url + "/twilio/whatsapp")
    return receiver


def ended(message: StoredMessage) -> bool:
    return message.status in ("delivered", "failed", "undelivered")


def test_a_text_arrives_as_twilios_signed_whatsapp_form(
    standin: TwilioStandIn, webhook: Receiver
) -> None:
    result = standin.send_inbound(USER, "tareas", profile_name="Ana")

    assert re.fullmatch(r"SM[0-9a-f]{32}", result.message_sid)
    assert (result.http_status, result.attempts) == (200, 1)
    (posted,) = webhook.posts("/twilio/whatsapp")
    assert posted.valid
    assert posted.form == {
        "SmsMessageSid": result.message_sid,
        "NumMedia": "0",
        "ProfileName": "Ana",
        "MessageType": "text",
        "SmsSid": result.message_sid,
        "WaId": "34600111222",
        "SmsStatus": "received",
        "Body": "tareas",
        "To": WA_FROM,
        "NumSegments": "1",
        "ReferralNumMedia": "0",
        "MessageSid": result.message_sid,
        "AccountSid": SID,
        "From": WA_TO,
        "ApiVersion": "2010-04-01",
    }
    assert posted.headers["User-Agent"] == "TwilioProxy/1.1"
    (stored,) = standin.inbound()
    assert (stored.direction, stored.status, stored.body) == ("inbound", "received", "tareas")
    assert standin.messages() == []  # outbound only


def test_a_voice_note_arrives_as_media_twilio_serves(
    standin: TwilioStandIn, webhook: Receiver, client: Any
) -> None:
    note = b"OggS" + b"\x00" * 22 + b"\x01\x13" + b"OpusHead" + b"\x01" * 40
    uploaded = standin.add_media(note, "audio/ogg")
    result = standin.send_inbound(USER, media_urls=[uploaded])

    assert re.fullmatch(r"MM[0-9a-f]{32}", result.message_sid)
    form = webhook.posts("/twilio/whatsapp")[0].form
    assert (form["NumMedia"], form["MessageType"], form["Body"]) == ("1", "audio", "")
    assert form["MediaContentType0"] == "audio/ogg"
    # The media now belongs to the message that carried it, as Twilio's URLs say.
    assert f"/Messages/{result.message_sid}/Media/ME" in form["MediaUrl0"]
    fetched = requests.get(form["MediaUrl0"], auth=(SID, TOKEN), timeout=5)
    assert (fetched.status_code, fetched.content) == (200, note)
    inbound = client.messages(result.message_sid).fetch()
    assert (inbound.direction, inbound.num_media) == ("inbound", "1")


@pytest.mark.parametrize("options", [WINDOW_ON])
def test_an_inbound_message_opens_the_window_even_if_the_webhook_failed(
    client: Any, standin: TwilioStandIn, webhook: Receiver, clock: FakeClock
) -> None:
    webhook.answers["/twilio/whatsapp"] = [503]
    result = standin.send_inbound(USER, "hola")
    # Twilio does not retry a 5xx by default: the service lost this one, the window is open.
    assert (result.http_status, result.attempts) == (503, 1)
    client.messages.create(to=WA_TO, from_=WA_FROM, body="respuesta")
    clock.advance(hours=24, seconds=1)
    client.messages.create(to=WA_TO, from_=WA_FROM, body="tarde")
    standin.wait_for_messages(ended, count=2)
    assert [(m.body, m.status) for m in standin.messages()] == [
        ("respuesta", "delivered"),
        ("tarde", "failed"),
    ]


def make_template(client: Any, *, approved: bool) -> str:
    request = ContentList.ContentCreateRequest(
        {
            "language": "es",
            "variables": {"1": "limpiar"},
            "types": {
                "twilio/quick-reply": {
                    "body": "Tarea: {{1}}. ¿Hecha?",
                    "actions": [{"title": "Hecha", "id": "done-7"}, {"title": "Aún no"}],
                }
            },
        }
    )
    sid: str = client.content.v1.contents.create(request).sid
    if approved:
        approval = ApprovalCreateList.ContentApprovalRequest({"name": "t", "category": "UTILITY"})
        client.content.v1.contents(sid).approval_create.create(approval)
    return sid


@pytest.mark.parametrize(("approved", "message_type"), [(True, "button"), (False, "interactive")])
def test_a_tap_on_a_quick_reply_names_the_button_and_the_message(
    client: Any, standin: TwilioStandIn, webhook: Receiver, approved: bool, message_type: str
) -> None:
    sid = make_template(client, approved=approved)
    sent = client.messages.create(to=WA_TO, from_=WA_FROM, content_sid=sid)
    standin.wait_for_messages(lambda m: m.status == "delivered")

    standin.send_inbound(USER, reply_to=sent.sid, button="done-7")
    standin.send_inbound(USER, reply_to=sent.sid, button="Aún no")  # by title; id defaults to it

    taps = [p.form for p in webhook.wait_for("/twilio/whatsapp", 2)]
    assert [(t["ButtonText"], t["ButtonPayload"], t["Body"]) for t in taps] == [
        ("Hecha", "done-7", "Hecha"),
        ("Aún no", "Aún no", "Aún no"),
    ]
    assert {t["MessageType"] for t in taps} == {message_type}
    assert {(t["OriginalRepliedMessageSid"], t["OriginalRepliedMessageSender"]) for t in taps} == {
        (sent.sid, WA_FROM)
    }


def test_a_tap_must_be_on_a_delivered_message_of_ours_with_that_button(
    client: Any, standin: TwilioStandIn, webhook: Receiver
) -> None:
    sid = make_template(client, approved=True)
    sent = client.messages.create(to=WA_TO, from_=WA_FROM, content_sid=sid)
    standin.wait_for_messages(lambda m: m.status == "delivered")
    plain = client.messages.create(to="whatsapp:+34600999888", from_=WA_FROM, body="x").sid

    with pytest.raises(ValueError, match="no button"):
        standin.send_inbound(USER, reply_to=sent.sid, button="maybe")
    with pytest.raises(ValueError, match="not a message we sent"):
        standin.send_inbound(USER, reply_to=plain, button="done-7")
    with pytest.raises(ValueError, match="reply_to"):
        standin.send_inbound(USER, button="done-7")
    assert webhook.posts("/twilio/whatsapp") == []

    standin.send_inbound(USER, "¿cuál?", reply_to=sent.sid)  # a quoted reply, no tap
    (quoted,) = webhook.posts("/twilio/whatsapp")
    assert quoted.form["OriginalRepliedMessageSid"] == sent.sid and "ButtonText" not in quoted.form


def test_inbound_input_whatsapp_could_not_send_is_refused(
    standin: TwilioStandIn, webhook: Receiver
) -> None:
    for sender, body in (("600111222", "hola"), (USER, "x" * 4097), (USER, "")):
        with pytest.raises(ValueError):
            standin.send_inbound(sender, body)
    with pytest.raises(ValueError, match="add_media"):
        standin.send_inbound(USER, media_urls=["https://example.com/a.ogg"])
    with pytest.raises(ValueError, match="webhook"):
        standin.send_inbound(USER, "hola", to="+14155550100")
    assert webhook.posts("/twilio/whatsapp") == []


# --- connection overrides ----------------------------------------------------------------------


def test_defaults_follow_twilios_connection_override_table() -> None:
    assert ConnectionOverrides.parse("") == ConnectionOverrides(
        5000, 15000, 15000, 1, frozenset({"ct"})
    )
    parsed = ConnectionOverrides.parse("ct=1000&rt=2000&tt=9000&rc=3&rp=4xx,5xx&e=dublin&sni=y")
    assert parsed == ConnectionOverrides(1000, 2000, 9000, 3, frozenset({"4xx", "5xx"}))
    for bad in ("rp=sometimes", "rc=6", "ct=50", "xx=1"):
        with pytest.raises(WebhookUrlError):
            ConnectionOverrides.parse(bad)
    with pytest.raises(WebhookUrlError, match="11243"):
        ConnectionOverrides.parse("rp=ct,never")


def test_a_connection_failure_is_retried_once_by_default_and_per_rc(standin: TwilioStandIn) -> None:
    dead = f"http://127.0.0.1:{closed_port()}/twilio/whatsapp"
    standin.set_messaging_webhook(MINKOPS, dead)
    result = standin.send_inbound(USER, "hola")
    assert (result.http_status, result.attempts) == (None, 2)
    assert [a.failure for a in result.outcome.attempts] == ["ct", "ct"]
    assert result.outcome.error

    standin.set_messaging_webhook(MINKOPS, dead + "#rc=4")
    assert standin.send_inbound(USER, "hola").attempts == 5
    standin.set_messaging_webhook(MINKOPS, dead + "#rc=0")
    assert standin.send_inbound(USER, "hola").attempts == 1
    standin.set_messaging_webhook(MINKOPS, dead + "#rc=3&rp=5xx")  # 'ct' not in the policy
    assert standin.send_inbound(USER, "hola").attempts == 1


@pytest.mark.parametrize(
    ("fragment", "answers", "attempts", "final"),
    [
        ("", [500, 500], 1, 500),  # Twilio's default: a 5xx is final
        ("#rc=3&rp=all", [500, 503, 429], 4, 200),
        ("#rc=2&rp=5xx", [500, 429], 2, 429),  # a 4xx is not in the policy
        ("#rc=2&rp=4xx", [500], 1, 500),
    ],
)
def test_http_errors_are_retried_only_as_the_fragment_says(
    standin: TwilioStandIn,
    receiver: Receiver,
    fragment: str,
    answers: list[int],
    attempts: int,
    final: int,
) -> None:
    standin.set_messaging_webhook(MINKOPS, receiver.url + "/twilio/whatsapp" + fragment)
    receiver.answers["/twilio/whatsapp"] = answers
    result = standin.send_inbound(USER, "hola")

    assert (result.attempts, result.http_status) == (attempts, final)
    posts = receiver.posts("/twilio/whatsapp")
    # Every attempt is signed over the URL without its fragment, and is the same event.
    assert len(posts) == attempts and all(p.valid for p in posts)
    assert len({p.headers["I-Twilio-Idempotency-Token"] for p in posts}) == 1
    assert len({p.form["MessageSid"] for p in posts}) == 1


def test_a_bad_webhook_url_is_refused_when_configured(standin: TwilioStandIn) -> None:
    with pytest.raises(WebhookUrlError, match="11243"):
        standin.set_messaging_webhook(MINKOPS, "https://minkops.example/twilio/whatsapp#rp=soon")
    with pytest.raises(WebhookUrlError):
        standin.set_messaging_webhook(MINKOPS, "ftp://minkops.example/twilio/whatsapp")


# --- the sandbox route and `minkops chat` ------------------------------------------------------


def test_the_sandbox_route_delivers_and_reports(
    server: TwilioStandInThread, receiver: Receiver
) -> None:
    url = server.base_url + "/sandbox/inbound"
    payload = {
        "from": USER,
        "to": MINKOPS,
        "body": "hola",
        "webhook_url": receiver.url + "/twilio/whatsapp",
    }
    answer = requests.post(url, json=payload, auth=(SID, TOKEN), timeout=10)
    assert answer.status_code == 200
    body = answer.json()
    assert (body["http_status"], body["attempts"], body["error"]) == (200, 1, None)
    (posted,) = receiver.posts("/twilio/whatsapp")
    assert posted.valid and posted.form["MessageSid"] == body["message_sid"]

    denied = requests.post(url, json=payload, timeout=10)
    assert (denied.status_code, denied.json()["code"]) == (401, 20003)
    bad = requests.post(url, json={"from": "hola"}, auth=(SID, TOKEN), timeout=10)
    assert (bad.status_code, bad.json()["status"]) == (400, 400)


@pytest.mark.parametrize("options", [WINDOW_ON])
def test_chat_talks_through_the_stand_in_and_prints_replies(
    server: TwilioStandInThread, receiver: Receiver
) -> None:
    """A tiny "service": it answers every signed message with a reply through the SDK. The
    reply is delivered (not failed with 63016) because the message reached it via Twilio."""
    twilio = make_twilio_client(SID, TOKEN, server.base_url)

    def answer(form: dict[str, str]) -> None:
        twilio.messages.create(to=form["From"], from_=form["To"], body=f"Recibido: {form['Body']}")

    receiver.on_request = answer
    target = ChatTarget(receiver.url, SID, TOKEN, MINKOPS, server.base_url)
    out = io.StringIO()
    assert run_chat(target, USER, io.StringIO("hola\nhecho 1\n"), out, settle=0.5) == 0

    assert "MinkOps: Recibido: hola" in out.getvalue()
    assert "MinkOps: Recibido: hecho 1" in out.getvalue()
    assert all(p.valid for p in receiver.posts("/twilio/whatsapp"))
    statuses = {m.body: m.status for m in server.stand_in.wait_for_messages(ended, count=2)}
    assert statuses == {"Recibido: hola": "delivered", "Recibido: hecho 1": "delivered"}
    twilio.http_client._inner.session.close()


def test_chat_reports_a_service_that_does_not_answer_200(
    server: TwilioStandInThread, receiver: Receiver, capsys: pytest.CaptureFixture[str]
) -> None:
    receiver.answers["/twilio/whatsapp"] = [403]
    target = ChatTarget(receiver.url, SID, TOKEN, MINKOPS, server.base_url)
    assert run_chat(target, USER, io.StringIO("hola\n"), io.StringIO(), settle=0.1) == 1
    assert "HTTP 403" in capsys.readouterr().err
    dead = ChatTarget(f"http://127.0.0.1:{closed_port()}", SID, TOKEN, MINKOPS, server.base_url)
    assert run_chat(dead, USER, io.StringIO("hola\n"), io.StringIO(), settle=0.1) == 1
    assert "could not be reached" in capsys.readouterr().err


def test_chat_sends_a_voice_note_as_twilio_media(
    server: TwilioStandInThread, receiver: Receiver, tmp_path: Any
) -> None:
    note = tmp_path / "nota.ogg"
    note.write_bytes(b"OggS" + b"\x00" * 22 + b"\x01\x13" + b"OpusHead" + b"\x01" * 40)
    target = ChatTarget(receiver.url, SID, TOKEN, MINKOPS, server.base_url)
    assert run_chat(target, USER, io.StringIO(), io.StringIO(), voice=note, settle=0.1) == 0
    (posted,) = receiver.posts("/twilio/whatsapp")
    assert (posted.form["MessageType"], posted.form["MediaContentType0"]) == ("audio", "audio/ogg")
    media = requests.get(posted.form["MediaUrl0"], auth=(SID, TOKEN), timeout=5)
    assert media.content == note.read_bytes()
    assert posted.form["ProfileName"] == "MinkOps chat"


@pytest.mark.parametrize("options", [WINDOW_ON])
def test_chat_shows_a_reply_that_failed_outside_the_window(
    server: TwilioStandInThread, client: Any
) -> None:
    # A task told to someone who has not written in 24 hours: Twilio takes it, then fails it.
    target = ChatTarget("http://127.0.0.1:9", SID, TOKEN, MINKOPS, server.base_url)
    out = io.StringIO()
    printer = ReplyPrinter(target, USER, out)
    client.messages.create(to=WA_TO, from_=WA_FROM, body="Tarea 4 para ti")
    server.stand_in.wait_for_messages(ended)
    printer.poll()
    assert "MinkOps (not delivered, Twilio error 63016): Tarea 4 para ti" in out.getvalue()

"""The Twilio stand-in's Messages API, exercised through the real twilio SDK via
make_twilio_client: creates, lists, the 24-hour window, status callbacks, outbound media and
rate limits. (Templates: test_twilio_content.py; inbound webhooks: test_twilio_inbound.py.)"""

from __future__ import annotations

import asyncio
import http.server
import json
import re
import select
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator

from minkops import speech
from minkops.sandbox.twilio_api import (
    WHATSAPP_DEFAULT_MPS,
    StoredMessage,
    TwilioStandIn,
    TwilioStandInThread,
)
from minkops.twilio_client import make_twilio_client, sign_twilio_request
from tests.sandbox.twilio_support import SID, TOKEN, WA_FROM, WA_TO, FakeClock, Receiver

TEMPLATE = "HX" + "ab" * 16
OPUS_OGG = b"OggS" + b"\x00" * 22 + b"\x01\x13" + b"OpusHead" + b"\x01" * 40
VORBIS_OGG = b"OggS" + b"\x00" * 22 + b"\x01\x1e" + b"\x01vorbis" + b"\x01" * 40


def delivered(message: StoredMessage) -> bool:
    return message.status == "delivered"


def send(client: Any, to: str = WA_TO, **kwargs: Any) -> Any:
    kwargs.setdefault("body", "hola")
    return client.messages.create(to=to, from_=WA_FROM, **kwargs)


def test_create_answers_a_twilio_message_resource(client: Any, server: TwilioStandInThread) -> None:
    sent = send(client, body="Tarea: limpiar la cocina")

    assert re.fullmatch(r"SM[0-9a-f]{32}", sent.sid)
    assert (sent.status, sent.direction, sent.account_sid) == ("queued", "outbound-api", SID)
    assert (sent.to, sent.from_, sent.body) == (WA_TO, WA_FROM, "Tarea: limpiar la cocina")
    assert (sent.num_media, sent.num_segments, sent.api_version) == ("0", "1", "2010-04-01")
    assert sent.error_code is None and sent.price is None and sent.date_sent is None
    assert sent.date_created == datetime(2026, 3, 10, 9, 30, tzinfo=UTC)

    raw = requests.get(server.base_url + sent.uri, auth=(SID, TOKEN), timeout=5).json()
    assert raw["date_created"] == "Tue, 10 Mar 2026 09:30:00 +0000"
    assert parsedate_to_datetime(raw["date_updated"]) >= sent.date_created
    assert (
        raw["subresource_uris"]["media"]
        == f"/2010-04-01/Accounts/{SID}/Messages/{sent.sid}/Media.json"
    )


def test_fetch_and_list_see_the_message_progress_to_delivered(
    client: Any, standin: TwilioStandIn
) -> None:
    sent = send(client)
    standin.wait_for_messages(delivered)

    fetched = client.messages(sent.sid).fetch()
    assert fetched.status == "delivered"
    assert fetched.date_sent == datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
    assert [m.sid for m in client.messages.list(to=WA_TO)] == [sent.sid]
    assert client.messages.list(to="whatsapp:+34600999999") == []


def test_fetching_an_unknown_message_is_20404(client: Any) -> None:
    with pytest.raises(TwilioRestException) as caught:
        client.messages("SM" + "0" * 32).fetch()
    assert (caught.value.status, caught.value.code) == (404, 20404)


def test_list_pages_newest_first_across_pages(client: Any, standin: TwilioStandIn) -> None:
    sids = [send(client, body=f"n{i}").sid for i in range(55)]
    other = send(client, to="whatsapp:+34600333444").sid

    listed = client.messages.list(to=WA_TO, page_size=20)
    assert [m.sid for m in listed] == sids[::-1]
    assert [m.sid for m in client.messages.stream(from_=WA_FROM, page_size=20, limit=30)] == (
        [other, *sids[::-1]][:30]
    )

    first = client.messages.page(to=WA_TO, page_size=20)
    second = first.next_page()
    third = second.next_page()
    assert [len(list(p)) for p in (first, second, third)] == [20, 20, 15]
    assert third.next_page() is None
    # A message created while paging does not shift the pages already handed out.
    send(client)
    assert [m.sid for m in second.previous_page()] == sids[::-1][:20]
    assert [m.sid for m in third.previous_page()] == sids[::-1][20:40]


def test_list_filters_by_date_sent(client: Any, standin: TwilioStandIn, clock: FakeClock) -> None:
    early = send(client).sid
    standin.wait_for_messages(lambda m: m.sid == early and delivered(m))
    clock.now += timedelta(days=2)
    late = send(client).sid
    standin.wait_for_messages(delivered, count=2)

    def sids(**filters: Any) -> list[str]:
        return [m.sid for m in client.messages.list(**filters)]

    assert sids(date_sent=date(2026, 3, 10)) == [early]
    assert sids(date_sent=datetime(2026, 3, 12, 0, 0)) == [late]
    assert sids(date_sent_before=date(2026, 3, 11)) == [early]
    assert sids(date_sent_after=date(2026, 3, 11)) == [late]
    assert sids(date_sent_after=datetime(2026, 3, 10, 9, 30)) == [late, early]
    assert sids(date_sent_after=datetime(2026, 3, 10, 9, 31)) == [late]


@pytest.mark.parametrize(("account_sid", "token"), [(SID, "wrong-token"), ("AC" + "2" * 32, TOKEN)])
def test_bad_credentials_are_20003(
    server: TwilioStandInThread, standin: TwilioStandIn, account_sid: str, token: str
) -> None:
    intruder = make_twilio_client(account_sid, token, server.base_url)
    with pytest.raises(TwilioRestException) as caught:
        send(intruder)
    assert (caught.value.status, caught.value.code) == (401, 20003)
    with pytest.raises(TwilioException, match="20003"):  # pages raise the plain base class
        intruder.messages.list()
    assert standin.messages() == []
    intruder.http_client._inner.session.close()


def test_another_account_in_the_path_is_20404(client: Any, standin: TwilioStandIn) -> None:
    other_account = client.api.v2010.accounts("AC" + "3" * 32)
    with pytest.raises(TwilioRestException) as caught:
        other_account.messages.create(to=WA_TO, from_=WA_FROM, body="hola")
    assert (caught.value.status, caught.value.code) == (404, 20404)
    assert standin.messages() == []


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"to": ""}, 21604),
        ({"from_": ""}, 21603),
        ({"to": "whatsapp:600111222"}, 21211),
        ({"to": "+34600111222"}, 21910),
        ({"to": WA_FROM}, 21266),
        ({"body": None}, 21602),
        ({"body": "x" * 1601}, 21617),
        ({"media_url": [f"ftp://example.invalid/{i}.jpg" for i in range(2)]}, 21620),
        ({"media_url": [f"http://127.0.0.1/{i}.jpg" for i in range(11)]}, 21623),
        ({"content_sid": "HX123"}, 21655),
        ({"content_sid": TEMPLATE, "content_variables": "{not json"}, 21656),
        ({"content_sid": TEMPLATE, "content_variables": '["a list"]'}, 21656),
    ],
)
def test_invalid_creates_fail_with_twilio_codes(
    client: Any, standin: TwilioStandIn, overrides: dict[str, Any], code: int
) -> None:
    params: dict[str, Any] = {"to": WA_TO, "from_": WA_FROM, "body": "hola", **overrides}
    with pytest.raises(TwilioRestException) as caught:
        client.messages.create(**{k: v for k, v in params.items() if v is not None})
    assert (caught.value.status, caught.value.code) == (400, code)
    assert standin.messages() == []


def test_a_body_of_1600_characters_is_accepted(client: Any) -> None:
    assert send(client, body="x" * 1600).status == "queued"


def test_content_variables_need_a_content_sid(client: Any, standin: TwilioStandIn) -> None:
    with pytest.raises(TwilioRestException) as caught:
        send(client, content_variables=json.dumps({"1": "Ana"}))
    assert (caught.value.status, caught.value.code) == (400, 21654)


def test_fail_next_fails_exactly_that_many_creates(client: Any, standin: TwilioStandIn) -> None:
    standin.fail_next(429, 20429, "Too Many Requests", count=2)
    for _ in range(2):
        with pytest.raises(TwilioRestException) as caught:
            send(client)
        assert (caught.value.status, caught.value.code) == (429, 20429)
    send(client)
    assert len(standin.messages()) == 1
    assert standin.create_attempts() == 3


def test_held_creates_wait_for_release(client: Any, standin: TwilioStandIn) -> None:
    standin.hold_creates()
    with ThreadPoolExecutor(max_workers=2) as pool:
        pending = [pool.submit(send, client, body=f"held {i}") for i in range(2)]
        standin.wait_for_held_creates(2)
        assert standin.messages() == []
        assert not any(f.done() for f in pending)
        standin.release_creates()
        results = [f.result(timeout=5) for f in pending]
    assert {m.sid for m in standin.messages()} == {r.sid for r in results}
    assert send(client).status == "queued"  # released: no longer holding


# --- the 24-hour window ----------------------------------------------------------------------


def ended(message: StoredMessage) -> bool:
    return message.status in ("delivered", "failed", "undelivered")


@pytest.mark.parametrize("options", [{}])  # the constructor's defaults: the window is on
def test_free_form_outside_the_window_is_accepted_then_fails_with_63016(
    client: Any, standin: TwilioStandIn, receiver: Receiver
) -> None:
    sent = send(client, status_callback=receiver.url + "/status")
    assert (sent.status, sent.error_code) == ("queued", None)  # 201: Twilio takes it first

    (callback,) = receiver.wait_for("/status", 1)
    assert callback.valid
    # 'failed' with no 'sent' before it; the code, and an empty ErrorMessage, as Twilio sends.
    assert (callback.form["MessageStatus"], callback.form["SmsStatus"]) == ("failed", "failed")
    assert (callback.form["ErrorCode"], callback.form["ErrorMessage"]) == ("63016", "")
    assert "ChannelStatusMessage" not in callback.form
    fetched = client.messages(sent.sid).fetch()
    assert (fetched.status, fetched.error_code, fetched.date_sent) == ("failed", 63016, None)


@pytest.mark.parametrize("options", [{}])
def test_only_an_inbound_message_opens_the_window_for_24_hours(
    client: Any, standin: TwilioStandIn, clock: FakeClock
) -> None:
    first = send(client, body="uno").sid
    standin.wait_for_messages(lambda m: m.sid == first and ended(m))
    # Our own message did not open it; the user writing does.
    assert send(client, body="dos").sid
    standin.wait_for_messages(lambda m: m.body == "dos" and ended(m))
    standin.record_inbound(WA_TO)
    clock.advance(hours=24)
    send(client, body="tres")
    clock.advance(seconds=1)
    send(client, body="cuatro")
    standin.wait_for_messages(ended, count=4)
    outcome = {m.body: (m.status, m.error_code) for m in standin.messages()}
    assert outcome == {
        "uno": ("failed", 63016),
        "dos": ("failed", 63016),
        "tres": ("delivered", None),
        "cuatro": ("failed", 63016),
    }


def test_the_window_can_be_switched_off_for_tests_that_do_not_care(
    client: Any, standin: TwilioStandIn
) -> None:
    assert TwilioStandIn(SID, TOKEN)._window_enforced  # on unless asked
    send(client)  # this stand-in was built with whatsapp_window=False
    (stored,) = standin.wait_for_messages(ended)
    assert stored.status == "delivered"
    standin.enforce_whatsapp_window()
    send(client)
    assert [m.status for m in standin.wait_for_messages(ended, count=2)][1] == "failed"


# --- status callbacks --------------------------------------------------------------------------


def statuses(requests_: list[Any]) -> list[str]:
    return [r.form["MessageStatus"] for r in requests_]


def test_status_callbacks_are_signed_and_carry_twilios_whatsapp_fields(
    client: Any, standin: TwilioStandIn, receiver: Receiver
) -> None:
    sent = send(client, status_callback=receiver.url + "/status")

    callbacks = receiver.wait_for("/status", 2)
    assert all(c.valid for c in callbacks)
    assert statuses(callbacks) == ["sent", "delivered"]
    assert callbacks[0].form == {
        "AccountSid": SID,
        "ApiVersion": "2010-04-01",
        "ChannelInstallSid": standin.channel_install_sid,
        "ChannelPrefix": "whatsapp",
        "ChannelToAddress": "+3460011XXXX",
        "From": WA_FROM,
        "MessageSid": sent.sid,
        "MessageStatus": "sent",
        "SmsSid": sent.sid,
        "SmsStatus": "sent",
        "StructuredMessage": "false",
        "To": WA_TO,
    }
    assert callbacks[1].form["EventType"] == "DELIVERED"
    assert callbacks[0].headers["User-Agent"] == "TwilioProxy/1.1"
    (stored,) = standin.wait_for_messages(delivered)
    assert stored.sid == sent.sid


def test_read_receipts_are_off_by_default_and_add_read(
    client: Any, standin: TwilioStandIn, receiver: Receiver
) -> None:
    send(client, status_callback=receiver.url + "/plain")
    standin.set_read_receipts()
    read = send(client, status_callback=receiver.url + "/read")

    assert statuses(receiver.wait_for("/read", 3)) == ["sent", "delivered", "read"]
    assert receiver.wait_for("/read", 3)[2].form["EventType"] == "READ"
    standin.wait_for_messages(lambda m: m.status == "read")
    assert statuses(receiver.wait_for("/plain", 2)) == ["sent", "delivered"]
    assert client.messages(read.sid).fetch().status == "read"


def test_callbacks_can_be_dropped_or_arrive_out_of_order(
    client: Any, standin: TwilioStandIn, receiver: Receiver
) -> None:
    standin.set_read_receipts()
    standin.status_callback_faults(drop={"sent"})
    send(client, status_callback=receiver.url + "/dropped")
    assert statuses(receiver.wait_for("/dropped", 2)) == ["delivered", "read"]

    standin.status_callback_faults(out_of_order=True)
    send(client, status_callback=receiver.url + "/shuffled")
    assert statuses(receiver.wait_for("/shuffled", 3)) == ["read", "delivered", "sent"]
    # The message itself still ends where delivery ended.
    standin.wait_for_messages(lambda m: m.status == "read", count=2)

    with pytest.raises(ValueError, match="queued"):
        standin.status_callback_faults(drop={"queued"})


def test_a_callback_answered_with_an_error_is_not_retried(
    client: Any, standin: TwilioStandIn, receiver: Receiver
) -> None:
    receiver.answers["/status"] = [500, 503]
    send(client, status_callback=receiver.url + "/status")
    standin.wait_for_messages(delivered)
    # Two statuses, one request each: the 500 and the 503 were final.
    assert statuses(receiver.wait_for("/status", 2)) == ["sent", "delivered"]
    assert len(receiver.posts("/status")) == 2


def test_a_callback_retries_only_as_its_connection_overrides_say(
    client: Any, standin: TwilioStandIn, receiver: Receiver
) -> None:
    receiver.answers["/status"] = [500, 503]
    send(client, status_callback=receiver.url + "/status#rc=2&rp=5xx")
    standin.wait_for_messages(delivered)
    assert statuses(receiver.wait_for("/status", 4)) == ["sent", "sent", "sent", "delivered"]
    tokens = {r.headers["I-Twilio-Idempotency-Token"] for r in receiver.posts("/status")[:3]}
    assert len(tokens) == 1  # one event, retried


def test_failed_delivery_reports_the_error_code(
    client: Any, standin: TwilioStandIn, receiver: Receiver
) -> None:
    standin.fail_next_delivery(63024, "Invalid message recipient")
    send(client, status_callback=receiver.url + "/status")

    callbacks = receiver.wait_for("/status", 2)
    assert statuses(callbacks) == ["sent", "undelivered"]
    failed = callbacks[1].form
    assert (failed["ErrorCode"], failed["ErrorMessage"]) == ("63024", "")
    assert failed["ChannelStatusMessage"] == "Invalid message recipient"
    (stored,) = standin.messages()
    assert (stored.status, stored.error_code) == ("undelivered", 63024)
    assert stored.error_message == "Invalid message recipient"


def test_an_unreachable_callback_does_not_stop_delivery(
    client: Any, standin: TwilioStandIn
) -> None:
    send(client, status_callback="http://127.0.0.1:9/status")
    standin.wait_for_messages(delivered)
    assert send(client).status == "queued"


def test_media_needs_auth_and_redirects_to_the_bytes(server: TwilioStandInThread) -> None:
    url = server.stand_in.add_media(OPUS_OGG, "audio/ogg")
    assert re.fullmatch(
        rf"{server.base_url}/2010-04-01/Accounts/{SID}/Messages/MM[0-9a-f]{{32}}/Media/ME[0-9a-f]{{32}}",
        url,
    )

    denied = requests.get(url, timeout=5)
    assert (denied.status_code, denied.json()["code"]) == (401, 20003)

    redirect = requests.get(url, auth=(SID, TOKEN), allow_redirects=False, timeout=5)
    assert redirect.status_code == 307
    cdn_url = redirect.headers["Location"]
    fetched = requests.get(cdn_url, timeout=5)  # the CDN needs no credentials
    assert (fetched.content, fetched.headers["Content-Type"]) == (OPUS_OGG, "audio/ogg")
    head = requests.head(cdn_url, timeout=5)
    assert (head.status_code, head.headers["Content-Type"]) == (200, "audio/ogg")
    assert head.headers["Content-Length"] == str(len(OPUS_OGG))


def test_media_under_another_message_is_404(server: TwilioStandInThread) -> None:
    url = server.stand_in.add_media(b"x", "image/png")
    wrong = re.sub(r"/Messages/MM\w+/", f"/Messages/MM{'0' * 32}/", url)
    response = requests.get(wrong, auth=(SID, TOKEN), timeout=5)
    assert (response.status_code, response.json()["code"]) == (404, 20404)


def _cdn_url(server: TwilioStandInThread, data: bytes, content_type: str) -> str:
    url = server.stand_in.add_media(data, content_type)
    redirect = requests.get(url, auth=(SID, TOKEN), allow_redirects=False, timeout=5)
    return redirect.headers["Location"]


@pytest.mark.parametrize(
    ("data", "content_type", "status", "error_code"),
    [
        (OPUS_OGG, "audio/ogg", "delivered", None),
        (OPUS_OGG, "audio/ogg; codecs=opus", "delivered", None),
        (VORBIS_OGG, "audio/ogg", "failed", 63019),
        (OPUS_OGG, "application/octet-stream", "failed", 63019),
        (b"GIF89a", "image/gif", "failed", 63019),
    ],
)
def test_outbound_media_is_fetched_and_checked(
    client: Any,
    server: TwilioStandInThread,
    data: bytes,
    content_type: str,
    status: str,
    error_code: int | None,
) -> None:
    media_url = _cdn_url(server, data, content_type)
    sent = send(client, body=None, media_url=[media_url])
    assert sent.num_media == "1"
    (stored,) = server.stand_in.wait_for_messages(ended)
    assert (stored.status, stored.error_code) == (status, error_code)
    (media,) = stored.fetched_media
    assert (media.url, media.http_status, media.content_type) == (media_url, 200, content_type)
    assert (media.size, media.data) == (len(data), data)


class _UntypedMedia(http.server.BaseHTTPRequestHandler):
    """Answers 200 with Opus bytes and no Content-Type at all (aiohttp always adds one)."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(OPUS_OGG)))
        self.end_headers()
        self.wfile.write(OPUS_OGG)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def untyped_media_url() -> Iterator[str]:
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), _UntypedMedia) as httpd:
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{httpd.server_address[1]}/voice.ogg"
        httpd.shutdown()


def test_media_that_fails_to_download_reports_63019_without_sent(
    client: Any, standin: TwilioStandIn, receiver: Receiver, untyped_media_url: str
) -> None:
    # HEAD would say all is well; Twilio GETs, and the GET finds nothing.
    missing = receiver.serve_media("/gone.ogg", 404, "text/plain", b"", head=(200, "audio/ogg"))
    for url, path in ((missing, "/a"), (untyped_media_url, "/b")):
        send(client, body=None, media_url=[url], status_callback=receiver.url + path)
        (callback,) = receiver.wait_for(path, 1)
        assert (callback.form["MessageStatus"], callback.form["ErrorCode"]) == ("failed", "63019")
    assert [(r.method, r.path) for r in receiver.requests if r.method != "POST"] == [
        ("GET", "/gone.ogg")
    ]
    gone, untyped = standin.messages()
    assert gone.fetched_media[0].http_status == 404
    assert (untyped.fetched_media[0].http_status, untyped.fetched_media[0].content_type) == (
        200,
        "",
    )


def test_audio_over_whatsapps_16_mb_fails(
    client: Any, standin: TwilioStandIn, receiver: Receiver
) -> None:
    big = OPUS_OGG + b"\x00" * (16 * 1024 * 1024)
    url = receiver.serve_media("/big.ogg", 200, "audio/ogg", big)
    send(client, body=None, media_url=[url])
    (stored,) = standin.wait_for_messages(ended)
    assert (stored.status, stored.error_code) == ("failed", 63019)
    assert stored.fetched_media[0].size == 16 * 1024 * 1024 + 1  # reading stopped there


def test_a_real_voice_note_is_fetched_whole_for_ffprobe(
    client: Any, standin: TwilioStandIn, receiver: Receiver, tmp_path: Any
) -> None:
    note = speech.synthesize_ogg_opus("La tarea 3 está hecha", "es")
    url = receiver.serve_media("/media/abc", 200, "audio/ogg", note)
    send(client, body=None, media_url=[url])
    (stored,) = standin.wait_for_messages(ended)
    assert stored.status == "delivered"
    path = tmp_path / "fetched.ogg"
    path.write_bytes(stored.fetched_media[0].data)
    probe = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-show_entries",
            "stream=codec_name",
            "-of",
            "csv=p=0",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.strip() == "opus"


def test_outbound_media_off_this_machine_fails(client: Any, standin: TwilioStandIn) -> None:
    send(client, media_url=["https://media.example.invalid/voice.ogg"])
    (stored,) = standin.wait_for_messages(lambda m: m.status == "failed")
    assert (stored.error_code, stored.fetched_media) == (63019, ())
    sms = client.messages.create(
        to="+34600111222", from_="+14155238886", media_url=["https://example.invalid/a.png"]
    )
    (sms_stored,) = standin.wait_for_messages(lambda m: m.sid == sms.sid and ended(m))
    assert sms_stored.error_code == 11200  # SMS/MMS keep Twilio's retrieval-failure code


# --- rate limits -------------------------------------------------------------------------------


def test_creates_are_unlimited_unless_a_rate_is_set(client: Any, standin: TwilioStandIn) -> None:
    for i in range(100):
        send(client, body=f"n{i}")
    assert len(standin.messages()) == 100


@pytest.mark.parametrize("options", [{"whatsapp_window": False, "messages_per_second": 2}])
def test_past_the_senders_rate_creates_get_429_20429(
    client: Any, standin: TwilioStandIn, clock: FakeClock
) -> None:
    send(client, body="1")
    clock.advance(seconds=0.5)
    send(client, body="2")
    with pytest.raises(TwilioRestException) as caught:
        send(client, body="3")
    assert (caught.value.status, caught.value.code) == (429, 20429)
    # Per sender: another of our numbers is not held back.
    client.messages.create(to=WA_TO, from_="whatsapp:+14155550100", body="other sender")
    clock.advance(seconds=0.5)  # the first create left the one-second window
    send(client, body="4")
    with pytest.raises(TwilioRestException):
        send(client, body="5")
    assert [m.body for m in standin.messages()] == ["1", "2", "other sender", "4"]
    standin.rate_limit(None)
    send(client, body="6")
    assert WHATSAPP_DEFAULT_MPS == 10  # Twilio's documented default for WhatsApp text


def test_content_domain_is_routed_to_the_api_base(client: Any) -> None:
    # Only the stand-in answers Twilio-shaped 20404s on this port.
    with pytest.raises(TwilioRestException) as caught:
        client.content.v1.contents(TEMPLATE).fetch()
    assert (caught.value.status, caught.value.code) == (404, 20404)


def test_a_twilio_api_base_keeps_the_sdk_hosts() -> None:
    production = make_twilio_client(SID, TOKEN, "https://api.twilio.com", timeout=3)
    assert isinstance(production.http_client, TwilioHttpClient)
    assert production.http_client.timeout == 3
    assert production.api.base_url == "https://api.twilio.com"
    assert production.content.base_url == "https://content.twilio.com"
    production.http_client.session.close()


def test_sign_twilio_request_matches_the_validator() -> None:
    params = {"Body": "hola", "From": WA_TO, "MessageSid": "SM" + "5" * 32}
    url = "https://minkops.example/twilio/whatsapp"
    signature = sign_twilio_request(TOKEN, url, params)
    assert RequestValidator(TOKEN).validate(url, params, signature)
    assert not RequestValidator(TOKEN).validate(url.replace("https", "http"), params, signature)
    assert not RequestValidator("other").validate(url, params, signature)


async def test_start_and_stop_inside_a_running_loop() -> None:
    standin = TwilioStandIn(SID, TOKEN)
    base_url = await standin.start()
    twilio = make_twilio_client(SID, TOKEN, base_url)
    try:
        sent = await asyncio.to_thread(send, twilio)
        assert [m.sid for m in standin.messages()] == [sent.sid]
    finally:
        twilio.http_client._inner.session.close()
        await standin.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(base_url, timeout=5)


def test_the_module_runs_alone() -> None:
    command = [sys.executable, "-m", "minkops.sandbox.twilio_api"]
    command += ["--account-sid", SID, "--auth-token", TOKEN, "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    try:
        ready, _, _ = select.select([process.stdout], [], [], 20)
        assert ready, "the stand-in printed nothing"
        base_url = process.stdout.readline().split()[-1]
        twilio = make_twilio_client(SID, TOKEN, base_url)
        assert send(twilio).status == "queued"
        twilio.http_client._inner.session.close()
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        process.stdout.close()


def test_the_thread_wrapper_stops_its_thread() -> None:
    before = {t.ident for t in threading.enumerate()}
    with TwilioStandInThread(TwilioStandIn(SID, TOKEN)) as running:
        assert requests.get(running.base_url + "/x", timeout=5).status_code == 404
    assert {t.ident for t in threading.enumerate()} <= before


def test_stopping_releases_held_creates(clock: FakeClock) -> None:
    running = TwilioStandInThread(TwilioStandIn(SID, TOKEN, clock=clock))
    twilio = make_twilio_client(SID, TOKEN, running.start())
    running.stand_in.hold_creates()
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(send, twilio)
        running.stand_in.wait_for_held_creates(1)
        running.stop(timeout=5)
        assert pending.result(timeout=5).status == "queued"
    twilio.http_client._inner.session.close()


def test_a_busy_port_fails_the_start(server: TwilioStandInThread) -> None:
    port = int(server.base_url.rsplit(":", 1)[1])
    second = TwilioStandInThread(TwilioStandIn(SID, TOKEN), port=port)
    with pytest.raises(RuntimeError, match="failed to start"):
        second.start()


def test_a_bad_list_filter_is_rejected(server: TwilioStandInThread) -> None:
    url = f"{server.base_url}/2010-04-01/Accounts/{SID}/Messages.json"
    for query in ({"DateSent": "yesterday"}, {"PageSize": "0"}, {"PageToken": "PAnope"}):
        response = requests.get(url, params=query, auth=(SID, TOKEN), timeout=5)
        assert (response.status_code, response.json()["code"]) == (400, 20001), query

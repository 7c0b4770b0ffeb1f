"""The Twilio stand-in, exercised through the real twilio SDK via make_twilio_client."""

from __future__ import annotations

import asyncio
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
from aiohttp import web
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator

from minkops.sandbox.twilio_api import StoredMessage, TwilioStandIn, TwilioStandInThread
from minkops.twilio_client import make_twilio_client, sign_twilio_request

SID = "AC" + "1" * 32
TOKEN = "secret-token-0123456789abcdef"
WA_FROM = "whatsapp:+14155238886"
WA_TO = "whatsapp:+34600111222"
TEMPLATE = "HX" + "ab" * 16
OPUS_OGG = b"OggS" + b"\x00" * 24 + b"\x13OpusHead" + b"\x01" * 40
VORBIS_OGG = b"OggS" + b"\x00" * 24 + b"\x01vorbis" + b"\x01" * 40


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def server(clock: FakeClock) -> Iterator[TwilioStandInThread]:
    with TwilioStandInThread(TwilioStandIn(SID, TOKEN, clock=clock)) as running:
        yield running


@pytest.fixture
def standin(server: TwilioStandInThread) -> TwilioStandIn:
    return server.stand_in


@pytest.fixture
def client(server: TwilioStandInThread) -> Iterator[Any]:
    twilio = make_twilio_client(SID, TOKEN, server.base_url)
    yield twilio
    twilio.http_client._inner.session.close()


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


def test_templates_carry_json_content_variables(client: Any, standin: TwilioStandIn) -> None:
    variables = json.dumps({"1": "Ana", "2": "mañana"})
    send(client, body=None, content_sid=TEMPLATE, content_variables=variables)
    (stored,) = standin.messages()
    assert (stored.content_sid, stored.content_variables) == (TEMPLATE, variables)


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


def test_whatsapp_window_rejects_free_form_with_63016(
    client: Any, standin: TwilioStandIn, clock: FakeClock
) -> None:
    standin.enforce_whatsapp_window()
    with pytest.raises(TwilioRestException) as caught:
        send(client)
    assert (caught.value.status, caught.value.code) == (400, 63016)

    send(client, body=None, content_sid=TEMPLATE)  # templates may always go out
    standin.record_inbound("+34600111222")
    send(client)
    clock.now += timedelta(hours=24, seconds=1)
    with pytest.raises(TwilioRestException) as again:
        send(client)
    assert again.value.code == 63016
    assert len(standin.messages()) == 2


def test_whatsapp_window_can_fail_after_acceptance(client: Any, standin: TwilioStandIn) -> None:
    standin.enforce_whatsapp_window(asynchronous=True)
    sent = send(client)
    assert sent.status == "queued"
    (failed,) = standin.wait_for_messages(lambda m: m.status == "failed")
    assert (failed.sid, failed.error_code) == (sent.sid, 63016)


class CallbackReceiver:
    """A tiny webhook endpoint that checks Twilio's signature on every request."""

    def __init__(self) -> None:
        self.received: list[dict[str, str]] = []
        self.invalid = 0
        self.arrived = asyncio.Event()
        self.url = ""
        self._runner = web.AppRunner(web.Application())

    async def start(self) -> None:
        self._runner.app.router.add_post("/twilio/status", self._handle)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/twilio/status"

    async def stop(self) -> None:
        await self._runner.cleanup()

    async def wait_for(self, count: int) -> list[dict[str, str]]:
        async with asyncio.timeout(5):
            while len(self.received) < count:
                self.arrived.clear()
                await self.arrived.wait()
        return self.received

    async def _handle(self, request: web.Request) -> web.Response:
        form = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
        signature = request.headers.get("X-Twilio-Signature", "")
        if RequestValidator(TOKEN).validate(self.url, form, signature):
            self.received.append(form)
        else:
            self.invalid += 1
        self.arrived.set()
        return web.Response(status=204)


@pytest.fixture
async def receiver() -> Any:
    running = CallbackReceiver()
    await running.start()
    yield running
    await running.stop()


async def test_status_callbacks_are_signed_and_ordered(
    client: Any, standin: TwilioStandIn, receiver: CallbackReceiver
) -> None:
    sent = await asyncio.to_thread(send, client, status_callback=receiver.url)

    callbacks = await receiver.wait_for(2)
    assert receiver.invalid == 0
    assert [c["MessageStatus"] for c in callbacks] == ["sent", "delivered"]
    assert callbacks[0] == {
        "AccountSid": SID,
        "ApiVersion": "2010-04-01",
        "From": WA_FROM,
        "MessageSid": sent.sid,
        "MessageStatus": "sent",
        "SmsSid": sent.sid,
        "SmsStatus": "sent",
        "To": WA_TO,
    }
    (stored,) = await asyncio.to_thread(standin.wait_for_messages, delivered)
    assert stored.sid == sent.sid


async def test_failed_delivery_reports_the_error_code(
    client: Any, standin: TwilioStandIn, receiver: CallbackReceiver
) -> None:
    standin.fail_next_delivery(63024, "Invalid message recipient")
    await asyncio.to_thread(send, client, status_callback=receiver.url)

    callbacks = await receiver.wait_for(2)
    assert [c["MessageStatus"] for c in callbacks] == ["sent", "undelivered"]
    assert (callbacks[1]["ErrorCode"], callbacks[1]["ErrorMessage"]) == (
        "63024",
        "Invalid message recipient",
    )
    (stored,) = standin.messages()
    assert (stored.status, stored.error_code) == ("undelivered", 63024)


async def test_an_unreachable_callback_does_not_stop_delivery(
    client: Any, standin: TwilioStandIn, receiver: CallbackReceiver
) -> None:
    dead_url = receiver.url
    await receiver.stop()
    await asyncio.to_thread(send, client, status_callback=dead_url)
    await asyncio.to_thread(standin.wait_for_messages, delivered)
    assert (await asyncio.to_thread(send, client)).status == "queued"


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
        (VORBIS_OGG, "audio/ogg", "failed", 12300),
        (OPUS_OGG, "application/octet-stream", "failed", 12300),
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
    (stored,) = server.stand_in.wait_for_messages(lambda m: m.status in ("delivered", "failed"))
    assert (stored.status, stored.error_code) == (status, error_code)
    (media,) = stored.fetched_media
    assert (media.url, media.http_status, media.content_type) == (media_url, 200, content_type)
    assert media.size == len(data)


def test_outbound_media_off_this_machine_fails_with_11200(
    client: Any, standin: TwilioStandIn
) -> None:
    send(client, media_url=["https://media.example.invalid/voice.ogg"])
    (stored,) = standin.wait_for_messages(lambda m: m.status == "failed")
    assert stored.error_code == 11200


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

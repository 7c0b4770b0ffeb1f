"""A local stand-in for Twilio that the real twilio SDK talks to unchanged.

It serves, on one base URL, the Messages API (api.twilio.com/2010-04-01: create, list, fetch,
media) and the Content API (content.twilio.com/v1: templates and their WhatsApp approval),
checks basic auth and answers errors in Twilio's JSON shape. It behaves as Twilio does for
WhatsApp:

- the 24-hour window is on by default and enforced *asynchronously*: a free-form message to
  someone who has not written in 24 hours is accepted (201 queued) and then fails with 63016 in
  its status callback. Only an inbound message opens the window; approved templates go out
  anyway.
- templates are rendered with ``ContentVariables`` (a variable with no value is 21656), and
  approval moves ``received`` → ``pending`` → ``approved`` (or ``rejected``) on its own.
- media is fetched with a GET before ``sent``; what WhatsApp would not take fails with 63019.
- status callbacks (sent, delivered, and read when asked for) are signed, never retried on an
  HTTP error, and can be dropped or sent out of order.
- inbound messages, media and quick-reply taps are posted to the service's webhook, signed, with
  Twilio's connection-override retry rules (``twilio_webhooks``).
- an optional per-sender rate limit answers 429/20429 past N creates per second.

Tests and ``minkops dev`` steer it through the methods under "test controls" and the
``/sandbox/...`` routes, which real Twilio does not have.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import contextlib
import dataclasses
import hashlib
import hmac
import json
import logging
import re
import signal
import threading
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from types import TracebackType
from typing import Any
from urllib.parse import urlencode, urlsplit

from aiohttp import ClientSession, ClientTimeout, web
from aiohttp.typedefs import Handler
from multidict import MultiDictProxy

from minkops.sandbox.twilio_content import (
    ApprovalRequest,
    QuickReply,
    Template,
    approval_fetch_resource,
    approval_resource,
    content_and_approvals_resource,
    content_page,
    content_resource,
    parse_approval,
    parse_create,
    render,
    whatsapp_format_problem,
)
from minkops.sandbox.twilio_errors import Failure, TwilioError, error_response, not_found
from minkops.sandbox.twilio_inbound import (
    DEFAULT_PROFILE_NAME,
    MAX_INBOUND_BODY,
    ButtonTap,
    RepliedTo,
    inbound_form,
)
from minkops.sandbox.twilio_media import FetchedMedia, fetch_media
from minkops.sandbox.twilio_webhooks import WebhookOutcome, call_webhook, split_webhook_url

__all__ = [
    "FetchedMedia",
    "InboundResult",
    "QuickReply",
    "StoredMessage",
    "Template",
    "TwilioStandIn",
    "TwilioStandInThread",
]

logger = logging.getLogger(__name__)

API_VERSION = "2010-04-01"
MAX_BODY_CHARS = 1600
MAX_MEDIA = 10
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
WHATSAPP_WINDOW = timedelta(hours=24)
# Twilio's default text throughput for one WhatsApp sender (10/s, 1.5/s with media; 80/s is
# Meta's Cloud API figure, not Twilio's: https://www.twilio.com/docs/whatsapp/best-practices-and-faqs).
# Past it Twilio itself *queues* (up to 4 hours); the stand-in's optional limit answers
# 429/20429 instead, Twilio's "Too Many Requests", so a sender's own pace can be tested.
WHATSAPP_DEFAULT_MPS = 10.0
CALLBACK_TIMEOUT_SECONDS = 15.0
SANDBOX_MEDIA_PATH = "/sandbox/media"
SANDBOX_INBOUND_PATH = "/sandbox/inbound"
MAX_SANDBOX_MEDIA_BYTES = 16 * 1024 * 1024  # WhatsApp's own limit for audio

_WHATSAPP_PREFIX = "whatsapp:"
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_CONTENT_SID = re.compile(r"^HX[0-9a-fA-F]{32}$")
_MEDIA_PATH = re.compile(r"/Messages/(MM[0-9a-f]{32})/Media/(ME[0-9a-f]{32})$")
_WINDOW_MESSAGE = (
    "Failed to send freeform message because you are outside the allowed window. "
    "If you are using WhatsApp, please use a Message Template."
)
_CALLBACK_STATUSES = frozenset({"sent", "delivered", "read", "undelivered", "failed"})
_AUTHENTICATED_PREFIXES = (f"/{API_VERSION}/", "/v1/", "/sandbox/")


Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _new_sid(prefix: str) -> str:
    return prefix + uuid.uuid4().hex


def _rfc2822(moment: datetime | None) -> str | None:
    return None if moment is None else format_datetime(moment.astimezone(UTC))


def _address_number(address: str) -> str:
    return address.removeprefix(_WHATSAPP_PREFIX)


def _is_whatsapp(address: str) -> bool:
    return address.startswith(_WHATSAPP_PREFIX)


def _segments(body: str, whatsapp: bool) -> int:
    if whatsapp or not body:
        return 1
    # ASCII approximates the GSM-7 alphabet; anything else is sent as UCS-2.
    single, multi = (160, 153) if body.isascii() else (70, 67)
    return 1 if len(body) <= single else -(-len(body) // multi)


def _masked(number: str) -> str:
    """How Twilio shows a recipient in ``ChannelToAddress``: the last four digits hidden."""
    return number[:-4] + "XXXX"


@dataclass(frozen=True)
class StoredMessage:
    """One Message resource as the stand-in holds it (a snapshot; never mutated)."""

    sid: str
    account_sid: str
    to: str
    from_: str
    body: str
    media_urls: tuple[str, ...]
    status: str
    status_callback: str | None
    content_sid: str | None
    content_variables: str | None
    num_segments: int
    date_created: datetime
    date_updated: datetime
    date_sent: datetime | None = None
    error_code: int | None = None
    error_message: str | None = None
    fetched_media: tuple[FetchedMedia, ...] = ()
    direction: str = "outbound-api"
    # What the recipient's WhatsApp shows under the body: the template's quick replies.
    buttons: tuple[QuickReply, ...] = ()
    # Sent as an approved WhatsApp template (so it may open a conversation).
    sent_as_template: bool = False

    def uri(self) -> str:
        return f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{self.sid}.json"

    def resource(self) -> dict[str, object]:
        """The JSON body Twilio answers for this message."""
        base = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{self.sid}"
        return {
            "account_sid": self.account_sid,
            "api_version": API_VERSION,
            "body": self.body,
            "date_created": _rfc2822(self.date_created),
            "date_sent": _rfc2822(self.date_sent),
            "date_updated": _rfc2822(self.date_updated),
            "direction": self.direction,
            "error_code": self.error_code,
            "error_message": self.error_message,
            "from": self.from_,
            "messaging_service_sid": None,
            "num_media": str(len(self.media_urls)),
            "num_segments": str(self.num_segments),
            "price": None,
            "price_unit": "USD",
            "sid": self.sid,
            "status": self.status,
            "subresource_uris": {
                "media": f"{base}/Media.json",
                "feedback": f"{base}/Feedback.json",
            },
            "to": self.to,
            "uri": self.uri(),
        }


@dataclass(frozen=True)
class InboundResult:
    """What happened when the stand-in posted an inbound message to the service."""

    message_sid: str
    form: Mapping[str, str]
    outcome: WebhookOutcome

    @property
    def http_status(self) -> int | None:
        """The status of the last attempt; None when no attempt got an answer."""
        return self.outcome.http_status

    @property
    def attempts(self) -> int:
        return len(self.outcome.attempts)


@dataclass(frozen=True)
class _DeliveryStep:
    status: str
    error: Failure | None = None
    # What the channel (WhatsApp) said, for an undelivered message's ChannelStatusMessage.
    channel_message: str = ""


@dataclass(frozen=True)
class _Media:
    message_sid: str
    data: bytes
    content_type: str
    cdn_token: str


def _resolve(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


class TwilioStandIn:
    """Twilio in memory. Thread-safe: tests inspect and steer it from other threads.

    ``whatsapp_window``: enforce the 24-hour window (on, as Twilio does; off for tests that
    post webhooks themselves and do not care). ``read_receipts``: report ``read`` after
    ``delivered``. ``messages_per_second``: the per-sender create limit (None: unlimited).
    ``approval_delay``: seconds from a WhatsApp approval request to its outcome.
    """

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        *,
        clock: Clock = _utc_now,
        whatsapp_window: bool = True,
        read_receipts: bool = False,
        messages_per_second: float | None = None,
        approval_delay: float = 0.0,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.base_url: str | None = None
        self.channel_install_sid = "XE" + hashlib.sha256(account_sid.encode()).hexdigest()[:32]
        self._clock = clock
        self._cond = threading.Condition()
        self._messages: dict[str, StoredMessage] = {}
        # When each create was accepted, to the microsecond (Twilio's dates are whole
        # seconds): what a load test measures reply latency by.
        self._accepted_at: dict[str, float] = {}
        self._create_attempts = 0
        self._create_faults: list[Failure] = []
        self._delivery_faults: list[_DeliveryStep] = []
        self._holding = False
        self._held: list[asyncio.Future[None]] = []
        self._creating = 0  # create requests being handled right now
        self._window_enforced = whatsapp_window
        self._last_inbound: dict[str, datetime] = {}
        self._read_receipts = read_receipts
        self._dropped_callbacks: frozenset[str] = frozenset()
        self._callbacks_out_of_order = False
        self._mps = messages_per_second
        self._recent_creates: dict[str, deque[datetime]] = {}
        self._templates: dict[str, Template] = {}
        self._approval_delay = timedelta(seconds=approval_delay)
        self._rejections: dict[str, str] = {}
        self._webhooks: dict[str, str] = {}
        self._media: dict[str, _Media] = {}
        self._cdn: dict[str, str] = {}
        self._session: ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None

    # ----- test controls (any thread) -----

    def messages(self) -> list[StoredMessage]:
        """Every outbound message, oldest first."""
        with self._cond:
            return [m for m in self._messages.values() if m.direction != "inbound"]

    def inbound(self) -> list[StoredMessage]:
        """Every inbound message the stand-in delivered to a webhook, oldest first."""
        with self._cond:
            return [m for m in self._messages.values() if m.direction == "inbound"]

    def templates(self) -> list[Template]:
        """Every Content resource, oldest first."""
        with self._cond:
            return list(self._templates.values())

    def create_attempts(self) -> int:
        """Authenticated create requests received, including those that failed."""
        with self._cond:
            return self._create_attempts

    def accepted_at(self) -> dict[str, float]:
        """Outbound SID -> when its create was accepted, in seconds since the epoch."""
        with self._cond:
            return dict(self._accepted_at)

    def wait_for_messages(
        self,
        predicate: Callable[[StoredMessage], bool] = lambda _: True,
        count: int = 1,
        timeout: float = 5.0,
    ) -> list[StoredMessage]:
        """Block until at least ``count`` outbound messages satisfy ``predicate``; return them.

        Call it from a thread other than the stand-in's loop (``asyncio.to_thread`` there).
        """

        def matching() -> list[StoredMessage]:
            return [m for m in self._messages.values() if m.direction != "inbound" and predicate(m)]

        with self._cond:
            if not self._cond.wait_for(lambda: len(matching()) >= count, timeout):
                raise TimeoutError(f"fewer than {count} matching messages after {timeout} s")
            return matching()

    def fail_next(self, status: int, code: int, message: str, count: int = 1) -> None:
        """Make the next ``count`` creates fail with this Twilio error."""
        with self._cond:
            self._create_faults.extend([Failure(status, code, message)] * count)

    def stop_failing(self) -> None:
        """Forget the create failures not yet used (``fail_next``): answer normally again."""
        with self._cond:
            self._create_faults.clear()

    def fail_next_delivery(
        self, code: int, message: str, status: str = "undelivered", count: int = 1
    ) -> None:
        """Make the next ``count`` accepted messages end ``undelivered`` (or ``failed``).

        ``message`` is what the channel said: it reaches the status callback as
        ``ChannelStatusMessage`` (undelivered) and the Message resource's ``error_message``.
        """
        if status not in ("undelivered", "failed"):
            raise ValueError(f"a delivery can only end undelivered or failed, not {status}")
        channel_message = message if status == "undelivered" else ""
        step = _DeliveryStep(status, Failure(400, code, message), channel_message)
        with self._cond:
            self._delivery_faults.extend([step] * count)

    def hold_creates(self) -> None:
        """Keep every create that arrives from now on waiting until ``release_creates``."""
        with self._cond:
            self._holding = True

    def release_creates(self) -> None:
        with self._cond:
            self._holding = False
            waiters, self._held = self._held, []
        for waiter in waiters:
            waiter.get_loop().call_soon_threadsafe(_resolve, waiter)

    def wait_for_held_creates(self, count: int, timeout: float = 5.0) -> None:
        """Block until ``count`` creates are waiting at the hold."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self._held) >= count, timeout):
                raise TimeoutError(f"fewer than {count} held creates after {timeout} s")

    def enforce_whatsapp_window(self, enabled: bool = True) -> None:
        """Turn the 24-hour window on or off (on from construction unless told otherwise).

        Enforced as Twilio does: the create is accepted, then the message fails with 63016.
        """
        with self._cond:
            self._window_enforced = enabled

    def record_inbound(self, number: str, at: datetime | None = None) -> None:
        """Note that ``number`` (with or without ``whatsapp:``) wrote to us at ``at``.

        For tests that post signed webhooks to the service themselves; ``send_inbound`` does
        this on its own.
        """
        with self._cond:
            self._last_inbound[_address_number(number)] = at or self._clock()

    def set_read_receipts(self, enabled: bool = True) -> None:
        """Report ``read`` after ``delivered`` (WhatsApp users may turn receipts off)."""
        with self._cond:
            self._read_receipts = enabled

    def status_callback_faults(
        self, *, drop: Collection[str] = (), out_of_order: bool = False
    ) -> None:
        """Never send callbacks for the statuses in ``drop``; send a message's callbacks in
        reverse order (``delivered`` before ``sent``) with ``out_of_order``. Twilio promises
        neither arrival nor order. Call with no arguments to go back to normal."""
        unknown = set(drop) - _CALLBACK_STATUSES
        if unknown:
            raise ValueError(f"no status callback is sent for {sorted(unknown)}")
        with self._cond:
            self._dropped_callbacks = frozenset(drop)
            self._callbacks_out_of_order = out_of_order

    def rate_limit(self, messages_per_second: float | None) -> None:
        """Answer 429/20429 past this many creates per second from one sender (None: off).

        ``WHATSAPP_DEFAULT_MPS`` is Twilio's default for a WhatsApp sender. The second is a
        sliding window on the stand-in's clock.
        """
        with self._cond:
            self._mps = messages_per_second
            self._recent_creates.clear()

    def set_approval_delay(self, seconds: float) -> None:
        """Seconds from a WhatsApp approval request to its outcome (for requests from now on)."""
        with self._cond:
            self._approval_delay = timedelta(seconds=seconds)

    def reject_approval(self, name: str, reason: str) -> None:
        """Make WhatsApp reject the template submitted under ``name``, with ``reason``."""
        with self._cond:
            self._rejections[name] = reason

    def set_messaging_webhook(self, number: str, url: str) -> None:
        """Where inbound messages to ``number`` (our WhatsApp sender) are posted, as configured
        on a Twilio sender. ``url`` may carry connection overrides (``#rc=2&rp=all``)."""
        split_webhook_url(url)  # refuse a bad URL or override now, not at the first message
        with self._cond:
            self._webhooks[_address_number(number)] = url

    def add_media(self, data: bytes, content_type: str, message_sid: str | None = None) -> str:
        """Store media as an inbound message's attachment; return its Twilio media URL."""
        if self.base_url is None:
            raise RuntimeError("add_media needs the stand-in's base_url (call start() first)")
        media_sid = _new_sid("ME")
        parent = message_sid or _new_sid("MM")
        media = _Media(parent, data, content_type, uuid.uuid4().hex)
        with self._cond:
            self._media[media_sid] = media
            self._cdn[media.cdn_token] = media_sid
        return self._media_url(parent, media_sid)

    def send_inbound(
        self,
        sender: str,
        body: str = "",
        *,
        to: str | None = None,
        media_urls: Sequence[str] = (),
        reply_to: str | None = None,
        button: str | None = None,
        profile_name: str = DEFAULT_PROFILE_NAME,
        timeout: float = 60.0,
    ) -> InboundResult:
        """``deliver_inbound`` from any thread but the stand-in's own loop."""
        loop = self._loop
        if loop is None:
            raise RuntimeError("send_inbound needs a started stand-in")
        if threading.get_ident() == self._loop_thread:
            raise RuntimeError("on the stand-in's own loop, await deliver_inbound instead")
        future = asyncio.run_coroutine_threadsafe(
            self.deliver_inbound(
                sender,
                body,
                to=to,
                media_urls=media_urls,
                reply_to=reply_to,
                button=button,
                profile_name=profile_name,
            ),
            loop,
        )
        return future.result(timeout)

    async def deliver_inbound(
        self,
        sender: str,
        body: str = "",
        *,
        to: str | None = None,
        media_urls: Sequence[str] = (),
        reply_to: str | None = None,
        button: str | None = None,
        profile_name: str = DEFAULT_PROFILE_NAME,
    ) -> InboundResult:
        """A WhatsApp user writes to us: post Twilio's signed form to the sender's webhook.

        ``media_urls``: attachments stored with ``add_media`` (a voice note, a photo).
        ``reply_to``: the SID of a message we delivered to ``sender`` that this one quotes;
        with ``button`` (a quick reply's id or title), a tap on that button. Opens the 24-hour
        window, as any inbound message does, whatever the webhook answers. Runs on the
        stand-in's loop. Raises ``ValueError`` for what WhatsApp could not have sent.
        """
        session = self._session
        if session is None:
            raise RuntimeError("deliver_inbound needs a started stand-in")
        number = _address_number(sender)
        if not _E164.match(number):
            raise ValueError(f"not a WhatsApp number in E.164: {sender}")
        if len(body) > MAX_INBOUND_BODY:
            raise ValueError(f"WhatsApp text is at most {MAX_INBOUND_BODY} characters")
        if button is not None and reply_to is None:
            raise ValueError("a button tap needs reply_to: the message whose button was tapped")
        with self._cond:
            recipient = self._recipient(to)
            webhook = self._webhooks[recipient]
            sid = _new_sid("MM" if media_urls else "SM")
            media = [self._reparent(url, sid) for url in media_urls]
            original = self._replied(reply_to, number) if reply_to else None
            tap = self._tap(original, button) if original and button is not None else None
            text = tap.title if tap else body
            if not text and not media:
                raise ValueError("an inbound message needs a body, media or a button")
            form = inbound_form(
                account_sid=self.account_sid,
                message_sid=sid,
                sender=number,
                recipient=recipient,
                body=text,
                media=media,
                profile_name=profile_name,
                replied_to=RepliedTo(original.sid, original.from_) if original else None,
                tap=tap,
            )
            now = self._now()
            self._messages[sid] = StoredMessage(
                sid=sid,
                account_sid=self.account_sid,
                to=f"{_WHATSAPP_PREFIX}{recipient}",
                from_=f"{_WHATSAPP_PREFIX}{number}",
                body=text,
                media_urls=tuple(url for url, _ in media),
                status="received",
                status_callback=None,
                content_sid=None,
                content_variables=None,
                num_segments=1,
                date_created=now,
                date_updated=now,
                date_sent=now,
                direction="inbound",
            )
            # WhatsApp has the message whatever the webhook answers: the window opens now.
            self._last_inbound[number] = self._clock()
            self._cond.notify_all()
        outcome = await call_webhook(session, webhook, form, self.auth_token)
        if outcome.http_status != 200:
            logger.warning(
                "twilio_standin.inbound_not_accepted",
                extra={"message_sid": sid, "http_status": outcome.http_status},
            )
        return InboundResult(sid, form, outcome)

    def _recipient(self, to: str | None) -> str:
        if to is not None:
            number = _address_number(to)
            if number not in self._webhooks:
                raise ValueError(f"no messaging webhook is configured for {to}")
            return number
        if len(self._webhooks) != 1:
            raise ValueError(
                "say which of our numbers is written to (to=…): "
                f"{len(self._webhooks)} have a messaging webhook"
            )
        return next(iter(self._webhooks))

    def _reparent(self, url: str, sid: str) -> tuple[str, str]:
        found = _MEDIA_PATH.search(urlsplit(url).path)
        media = self._media.get(found.group(2)) if found else None
        if found is None or media is None:
            raise ValueError(f"not media stored with add_media: {url}")
        self._media[found.group(2)] = dataclasses.replace(media, message_sid=sid)
        return self._media_url(sid, found.group(2)), media.content_type

    def _replied(self, sid: str, number: str) -> StoredMessage:
        original = self._messages.get(sid)
        if original is None or original.to != f"{_WHATSAPP_PREFIX}{number}":
            raise ValueError(f"{sid} is not a message we sent to {number}")
        if original.status not in ("delivered", "read"):
            raise ValueError(f"{sid} was not delivered (it is {original.status})")
        return original

    def _tap(self, original: StoredMessage, button: str) -> ButtonTap:
        for action in original.buttons:
            if button in (action.id, action.title):
                return ButtonTap(action.title, action.id, original.sent_as_template)
        shown = ", ".join(f"{a.title} ({a.id})" for a in original.buttons) or "none"
        raise ValueError(f"{original.sid} has no button {button!r}; its buttons: {shown}")

    def _media_url(self, message_sid: str, media_sid: str) -> str:
        assert self.base_url is not None
        path = (
            f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{message_sid}/Media/{media_sid}"
        )
        return self.base_url.rstrip("/") + path

    # ----- server lifecycle -----

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware])
        app.cleanup_ctx.append(self._client_session)
        prefix = f"/{API_VERSION}/Accounts/{{account_sid}}"
        app.router.add_post(f"{prefix}/Messages.json", self._create_message)
        app.router.add_get(f"{prefix}/Messages.json", self._list_messages)
        app.router.add_get(f"{prefix}/Messages/{{sid}}.json", self._fetch_message)
        app.router.add_get(f"{prefix}/Messages/{{sid}}/Media/{{media_sid}}", self._fetch_media)
        app.router.add_post("/v1/Content", self._create_content)
        app.router.add_get("/v1/Content", self._list_content)
        app.router.add_get("/v1/Content/{sid}", self._fetch_content)
        app.router.add_delete("/v1/Content/{sid}", self._delete_content)
        app.router.add_post("/v1/Content/{sid}/ApprovalRequests/whatsapp", self._request_approval)
        app.router.add_get("/v1/Content/{sid}/ApprovalRequests", self._fetch_approval)
        app.router.add_get("/v1/ContentAndApprovals", self._list_content_and_approvals)
        app.router.add_get("/cdn/media/{token}", self._cdn_media)
        app.router.add_post(SANDBOX_MEDIA_PATH, self._upload_media)
        app.router.add_post(SANDBOX_INBOUND_PATH, self._sandbox_inbound)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on the running loop; return the base URL."""
        runner = web.AppRunner(self.app(), shutdown_timeout=5.0)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        bound_port = runner.addresses[0][1]
        shown_host = f"[{host}]" if ":" in host else host
        self.base_url = f"http://{shown_host}:{bound_port}"
        return self.base_url

    async def stop(self) -> None:
        # Held creates would otherwise keep the server's shutdown waiting. Let them finish
        # answering first: a shutdown that starts while a handler is still writing can wait
        # out the whole shutdown timeout on that keep-alive connection.
        self.release_creates()
        for _ in range(200):
            with self._cond:
                if not self._creating:
                    break
            await asyncio.sleep(0.01)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self._loop = None

    async def _client_session(self, _app: web.Application) -> AsyncIterator[None]:
        async with ClientSession(timeout=ClientTimeout(total=CALLBACK_TIMEOUT_SECONDS)) as session:
            self._session = session
            yield
            tasks = list(self._tasks)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self._session = None

    # ----- HTTP -----

    @web.middleware
    async def _middleware(
        self,
        request: web.Request,
        handler: Handler,
    ) -> web.StreamResponse:
        if request.path.startswith(_AUTHENTICATED_PREFIXES) and not self._authorized(request):
            return error_response(
                Failure(401, 20003, "Authenticate"),
                headers={"WWW-Authenticate": 'Basic realm="Twilio API"'},
            )
        try:
            return await handler(request)
        except TwilioError as error:
            return error_response(error.failure)
        except web.HTTPNotFound:
            return error_response(not_found(request.path).failure)
        except web.HTTPMethodNotAllowed:
            return error_response(Failure(405, 20004, "Method not allowed"))

    def _authorized(self, request: web.Request) -> bool:
        scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(encoded, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return False
        user, _, password = decoded.partition(":")
        user_ok = hmac.compare_digest(user.encode(), self.account_sid.encode())
        password_ok = hmac.compare_digest(password.encode(), self.auth_token.encode())
        return user_ok and password_ok

    def _check_account(self, request: web.Request) -> None:
        if request.match_info["account_sid"] != self.account_sid:
            raise not_found(request.path)

    async def _create_message(self, request: web.Request) -> web.StreamResponse:
        self._check_account(request)
        with self._cond:
            self._creating += 1
        try:
            return await self._handle_create(request)
        finally:
            with self._cond:
                self._creating -= 1

    async def _handle_create(self, request: web.Request) -> web.StreamResponse:
        await self._pass_hold()
        form = await request.post()
        with self._cond:
            self._create_attempts += 1
            fault = self._create_faults.pop(0) if self._create_faults else None
        if fault is not None:
            raise TwilioError(fault.status, fault.code, fault.message)
        message, steps = self._accept(form)
        response = web.json_response(message.resource(), status=201)
        # Callbacks must not overtake the create's answer: finish writing it first.
        await response.prepare(request)
        await response.write_eof()
        task = asyncio.create_task(self._deliver(message.sid, steps))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return response

    def _accept(
        self, form: MultiDictProxy[str | bytes | bytearray | web.FileField]
    ) -> tuple[StoredMessage, list[_DeliveryStep]]:
        fields = {key: value for key, value in form.items() if isinstance(value, str)}
        media_urls = tuple(v for v in form.getall("MediaUrl", []) if isinstance(v, str))
        to, from_ = fields.get("To", ""), fields.get("From", "")
        body = fields.get("Body", "")
        content_sid = fields.get("ContentSid") or None
        content_variables = fields.get("ContentVariables")
        with self._cond:
            self._check_rate(from_)
        values = _validate(to, from_, body, media_urls, content_sid, content_variables)
        now = self._now()
        with self._cond:
            buttons: tuple[QuickReply, ...] = ()
            as_template = False
            if content_sid is not None:
                template = self._templates.get(content_sid)
                if template is None:
                    raise TwilioError(400, 21655, "The ContentSid is Invalid")
                body, buttons = render(template, values)
                as_template = _is_whatsapp(to) and template.approved(now)
            steps = self._delivery_plan(to, as_template, now)
            message = StoredMessage(
                sid=_new_sid("SM"),
                account_sid=self.account_sid,
                to=to,
                from_=from_,
                body=body,
                media_urls=media_urls,
                status="queued",
                status_callback=fields.get("StatusCallback") or None,
                content_sid=content_sid,
                content_variables=content_variables,
                num_segments=_segments(body, _is_whatsapp(to)),
                date_created=now,
                date_updated=now,
                buttons=buttons,
                sent_as_template=as_template,
            )
            self._messages[message.sid] = message
            self._accepted_at[message.sid] = time.time()
            self._cond.notify_all()
        return message, steps

    def _check_rate(self, from_: str) -> None:
        """Under the lock: one more create from ``from_`` now, or 429 past the limit."""
        if self._mps is None:
            return
        now = self._clock()
        recent = self._recent_creates.setdefault(from_, deque())
        while recent and now - recent[0] >= timedelta(seconds=1):
            recent.popleft()
        if len(recent) >= self._mps:
            raise TwilioError(429, 20429, "Too Many Requests")
        recent.append(now)

    def _delivery_plan(self, to: str, as_template: bool, now: datetime) -> list[_DeliveryStep]:
        """Decide now (under the lock) how this message's delivery will go."""
        if self._window_enforced and _is_whatsapp(to) and not as_template:
            last = self._last_inbound.get(_address_number(to))
            if last is None or now - last > WHATSAPP_WINDOW:
                # Twilio accepts it, then fails it: no 'sent' before, 63016 in the callback.
                return [_DeliveryStep("failed", Failure(400, 63016, _WINDOW_MESSAGE))]
        if self._delivery_faults:
            fault = self._delivery_faults.pop(0)
            return [fault] if fault.status == "failed" else [_DeliveryStep("sent"), fault]
        steps = [_DeliveryStep("sent"), _DeliveryStep("delivered")]
        return [*steps, _DeliveryStep("read")] if self._read_receipts else steps

    async def _pass_hold(self) -> None:
        with self._cond:
            if not self._holding:
                return
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._held.append(waiter)
            self._cond.notify_all()
        try:
            await waiter
        finally:
            with self._cond:
                if waiter in self._held:
                    self._held.remove(waiter)

    async def _list_messages(self, request: web.Request) -> web.Response:
        self._check_account(request)
        query = request.query
        raw_filters = [
            (k, query[k])
            for k in ("To", "From", "DateSent", "DateSent<", "DateSent>")
            if k in query
        ]
        page_size = _int_param(query, "PageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
        page = _int_param(query, "Page", 0, 0, None)
        token = query.get("PageToken")
        wanted = _ListFilter.parse(raw_filters)
        with self._cond:
            everything = list(self._messages.values())
        selected = [m for m in reversed(everything) if wanted.matches(m)]
        start_index = _page_start(selected, token, page, page_size)
        records = selected[start_index : start_index + page_size]
        base = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages.json"

        def page_uri(number: int, page_token: str | None) -> str:
            params = [*raw_filters, ("PageSize", str(page_size)), ("Page", str(number))]
            if page_token is not None:
                params.append(("PageToken", page_token))
            return f"{base}?{urlencode(params)}"

        has_next = start_index + page_size < len(selected)
        has_previous = start_index > 0 and bool(records)
        start = page * page_size
        return web.json_response(
            {
                "messages": [m.resource() for m in records],
                "first_page_uri": page_uri(0, None),
                "next_page_uri": page_uri(page + 1, "PA" + records[-1].sid) if has_next else None,
                "previous_page_uri": (
                    page_uri(max(page - 1, 0), "PB" + records[0].sid) if has_previous else None
                ),
                "page": page,
                "page_size": page_size,
                "start": start,
                "end": start + max(len(records) - 1, 0),
                "uri": page_uri(page, token),
            }
        )

    async def _fetch_message(self, request: web.Request) -> web.Response:
        self._check_account(request)
        with self._cond:
            message = self._messages.get(request.match_info["sid"])
        if message is None:
            raise not_found(request.path)
        return web.json_response(message.resource())

    async def _fetch_media(self, request: web.Request) -> web.Response:
        self._check_account(request)
        with self._cond:
            media = self._media.get(request.match_info["media_sid"])
        if media is None or media.message_sid != request.match_info["sid"]:
            raise not_found(request.path)
        # Twilio redirects to a short-lived, unauthenticated CDN URL.
        location = request.url.origin().with_path(f"/cdn/media/{media.cdn_token}")
        return web.Response(status=307, headers={"Location": str(location)})

    async def _cdn_media(self, request: web.Request) -> web.Response:
        with self._cond:
            media_sid = self._cdn.get(request.match_info["token"])
            media = self._media.get(media_sid) if media_sid else None
        if media is None:
            raise web.HTTPNotFound()
        return web.Response(body=media.data, headers={"Content-Type": media.content_type})

    # ----- Content API -----

    async def _json_body(self, request: web.Request) -> object:
        try:
            return await request.json()
        except ValueError:
            raise TwilioError(400, 20001, "Invalid Parameter: the body must be JSON") from None

    def _template(self, request: web.Request) -> Template:
        """Under the lock: the template named in the path, or 20404."""
        template = self._templates.get(request.match_info["sid"])
        if template is None:
            raise not_found(request.path)
        return template

    async def _create_content(self, request: web.Request) -> web.Response:
        payload = await self._json_body(request)
        with self._cond:
            template = parse_create(
                payload, sid=_new_sid("HX"), account_sid=self.account_sid, now=self._now()
            )
            self._templates[template.sid] = template
        return web.json_response(content_resource(template), status=201)

    async def _list_content(self, request: web.Request) -> web.Response:
        templates = self.templates()[::-1]
        page = content_page(
            templates, lambda t: t.sid, content_resource, request.query, "/v1/Content"
        )
        return web.json_response(page)

    async def _fetch_content(self, request: web.Request) -> web.Response:
        with self._cond:
            template = self._template(request)
        return web.json_response(content_resource(template))

    async def _delete_content(self, request: web.Request) -> web.Response:
        with self._cond:
            self._templates.pop(self._template(request).sid)
        return web.Response(status=204)

    async def _request_approval(self, request: web.Request) -> web.Response:
        payload = await self._json_body(request)
        name, category = parse_approval(payload)
        now = self._now()
        with self._cond:
            template = self._template(request)
            if template.approval is not None:
                raise TwilioError(
                    400, 20001, f"Content {template.sid} was already submitted for WhatsApp"
                )
            reason = self._rejections.get(name) or whatsapp_format_problem(template) or ""
            approval = ApprovalRequest(
                name, category, template.content_type, now, now + self._approval_delay, reason
            )
            template = dataclasses.replace(template, approval=approval, date_updated=now)
            self._templates[template.sid] = template
        # The answer is the request as WhatsApp received it; the outcome comes later.
        resource = {
            **approval_resource(template, now),
            "status": "received",
            "rejection_reason": "",
        }
        return web.json_response(resource, status=201)

    async def _fetch_approval(self, request: web.Request) -> web.Response:
        with self._cond:
            template = self._template(request)
        return web.json_response(approval_fetch_resource(template, self._now()))

    async def _list_content_and_approvals(self, request: web.Request) -> web.Response:
        now = self._now()
        page = content_page(
            self.templates()[::-1],
            lambda t: t.sid,
            lambda t: content_and_approvals_resource(t, now),
            request.query,
            "/v1/ContentAndApprovals",
        )
        return web.json_response(page)

    # ----- sandbox routes (not Twilio's) -----

    async def _upload_media(self, request: web.Request) -> web.Response:
        """Store an attachment another process (``minkops chat``) will send.

        Body: the bytes; Content-Type: their media type. Answers 201 ``{"url": …}``.
        """
        content_type = request.headers.get("Content-Type", "")
        if not content_type or content_type == "application/octet-stream":
            raise TwilioError(400, 21620, "A media upload needs its media type as Content-Type")
        data = bytearray()
        # Streamed by hand: the app's client_max_size (1 MiB) is too small for voice notes.
        async for chunk in request.content.iter_chunked(64 * 1024):
            data += chunk
            if len(data) > MAX_SANDBOX_MEDIA_BYTES:
                raise TwilioError(413, 11751, "Media exceeds the 16 MB limit")
        if not data:
            raise TwilioError(400, 21620, "A media upload needs a body")
        url = self.add_media(bytes(data), content_type)
        return web.json_response({"url": url, "content_type": content_type}, status=201)

    async def _sandbox_inbound(self, request: web.Request) -> web.Response:
        """A WhatsApp user writes (``deliver_inbound`` over HTTP, for ``minkops chat``).

        JSON body: ``from`` (E.164), and ``body``, ``media_urls``, ``reply_to``, ``button``,
        ``profile_name``, ``to`` as ``deliver_inbound`` takes them; ``webhook_url`` also sets
        ``to``'s messaging webhook first. Answers 200 ``{"message_sid", "http_status",
        "attempts", "error"}`` once the webhook has answered (or given up).
        """
        payload = await self._json_body(request)
        try:
            if not isinstance(payload, dict):
                raise ValueError("the body must be a JSON object")
            args = _inbound_args(payload)
            if isinstance(payload.get("webhook_url"), str):
                if args["to"] is None:
                    raise ValueError("webhook_url needs to: the number it serves")
                self.set_messaging_webhook(str(args["to"]), payload["webhook_url"])
            result = await self.deliver_inbound(**args)
        except ValueError as error:
            raise TwilioError(400, 20001, str(error)) from None
        return web.json_response(
            {
                "message_sid": result.message_sid,
                "http_status": result.http_status,
                "attempts": result.attempts,
                "error": result.outcome.error,
            }
        )

    # ----- delivery and status callbacks -----

    async def _deliver(self, sid: str, steps: list[_DeliveryStep]) -> None:
        try:
            with self._cond:
                message = self._messages[sid]
            if message.media_urls and any(step.status == "sent" for step in steps):
                # Twilio fetches the media before anything is sent, and fails without 'sent'.
                fetched, failure = await self._fetch_outbound_media(message)
                self._update(sid, lambda m: dataclasses.replace(m, fetched_media=fetched))
                if failure is not None:
                    steps = [_DeliveryStep("failed", failure)]
            with self._cond:
                dropped, reverse = self._dropped_callbacks, self._callbacks_out_of_order
            if not reverse:
                for step in steps:
                    await self._send_callback(self._advance(sid, step), step, dropped)
                return
            advanced = [(self._advance(sid, step), step) for step in steps]
            for snapshot, step in reversed(advanced):
                await self._send_callback(snapshot, step, dropped)
        except Exception:
            logger.exception("twilio_standin.delivery_failed", extra={"message_sid": sid})

    def _update(self, sid: str, change: Callable[[StoredMessage], StoredMessage]) -> StoredMessage:
        with self._cond:
            message = change(self._messages[sid])
            self._messages[sid] = message
            self._cond.notify_all()
            return message

    def _now(self) -> datetime:
        # Twilio keeps whole seconds; so must we, or DateSent filters could never match.
        return self._clock().astimezone(UTC).replace(microsecond=0)

    def _advance(self, sid: str, step: _DeliveryStep) -> StoredMessage:
        now = self._now()

        def change(current: StoredMessage) -> StoredMessage:
            return dataclasses.replace(
                current,
                status=step.status,
                date_updated=now,
                date_sent=current.date_sent or (now if step.status == "sent" else None),
                error_code=step.error.code if step.error else None,
                error_message=step.error.message if step.error else None,
            )

        return self._update(sid, change)

    async def _fetch_outbound_media(
        self, message: StoredMessage
    ) -> tuple[tuple[FetchedMedia, ...], Failure | None]:
        """Fetch each MediaUrl as Twilio does before sending; say why delivery fails, if it does."""
        assert self._session is not None
        fetched: list[FetchedMedia] = []
        for url in message.media_urls:
            media, failure = await fetch_media(
                self._session, url, whatsapp=_is_whatsapp(message.to)
            )
            if media is not None:
                fetched.append(media)
            if failure is not None:
                return tuple(fetched), failure
        return tuple(fetched), None

    async def _send_callback(
        self, message: StoredMessage, step: _DeliveryStep, dropped: Collection[str]
    ) -> None:
        if message.status_callback is None or step.status in dropped:
            return
        assert self._session is not None
        params = _callback_params(message, step, self.channel_install_sid)
        try:
            outcome = await call_webhook(
                self._session, message.status_callback, params, self.auth_token
            )
        except ValueError as error:  # a bad connection override in the StatusCallback URL
            logger.warning(
                "twilio_standin.callback_url_invalid",
                extra={"message_sid": message.sid, "error": str(error)},
            )
            return
        # Twilio does not retry a status callback that got an error answer.
        if outcome.http_status is None or outcome.http_status >= 400:
            logger.warning(
                "twilio_standin.callback_not_accepted",
                extra={
                    "message_sid": message.sid,
                    "http_status": outcome.http_status,
                    "error": outcome.error,
                },
            )


def _callback_params(
    message: StoredMessage, step: _DeliveryStep, channel_install_sid: str
) -> dict[str, str]:
    """The form of one status callback, with the fields Twilio sends for WhatsApp."""
    params = {
        "AccountSid": message.account_sid,
        "ApiVersion": API_VERSION,
        "From": message.from_,
        "MessageSid": message.sid,
        "MessageStatus": step.status,
        "SmsSid": message.sid,
        "SmsStatus": step.status,
        "To": message.to,
    }
    if _is_whatsapp(message.to):
        params |= {
            "ChannelInstallSid": channel_install_sid,
            "ChannelPrefix": "whatsapp",
            "ChannelToAddress": _masked(_address_number(message.to)),
            "StructuredMessage": "true" if message.content_sid else "false",
        }
        if step.status in ("delivered", "read", "undelivered"):
            params["EventType"] = step.status.upper()
    if step.error is not None:
        # Twilio sends the code; the description stays on the Message resource.
        params["ErrorCode"] = str(step.error.code)
        params["ErrorMessage"] = ""
        if step.channel_message:
            params["ChannelStatusMessage"] = step.channel_message
    return params


def _inbound_args(payload: Mapping[str, Any]) -> dict[str, Any]:
    """``deliver_inbound``'s arguments from the sandbox route's JSON, checked for type."""
    sender = payload.get("from")
    if not isinstance(sender, str):
        raise ValueError("from (the sender's E.164 number) is required")
    strings = {"body": "", "to": None, "reply_to": None, "button": None}
    args: dict[str, Any] = {"sender": sender}
    for key, default in strings.items():
        value = payload.get(key, default)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{key} must be a string")
        args[key] = value
    profile_name = payload.get("profile_name", DEFAULT_PROFILE_NAME)
    if not isinstance(profile_name, str):
        raise ValueError("profile_name must be a string")
    args["profile_name"] = profile_name
    media_urls = payload.get("media_urls", [])
    if not isinstance(media_urls, list) or not all(isinstance(u, str) for u in media_urls):
        raise ValueError("media_urls must be a list of URLs")
    args["media_urls"] = media_urls
    return args


def _validate(
    to: str,
    from_: str,
    body: str,
    media_urls: tuple[str, ...],
    content_sid: str | None,
    content_variables: str | None,
) -> Mapping[str, object]:
    """Reject a create the way Twilio does, with Twilio's codes; return ContentVariables."""
    if not to:
        raise TwilioError(400, 21604, "A 'To' phone number is required.")
    if not from_:
        raise TwilioError(400, 21603, "A 'From' phone number is required.")
    if not _E164.match(_address_number(to)):
        raise TwilioError(400, 21211, f"Invalid 'To' Phone Number: {to}")
    if not _E164.match(_address_number(from_)):
        raise TwilioError(400, 21212, f"Invalid From Number: {from_}")
    if _is_whatsapp(to) != _is_whatsapp(from_):
        raise TwilioError(
            400, 21910, "Invalid From and To pair. From and To should be of the same channel"
        )
    if to == from_:
        raise TwilioError(400, 21266, "'To' and 'From' number cannot be the same")
    if not body and not media_urls and content_sid is None:
        raise TwilioError(400, 21602, "Message body is required.")
    if len(body) > MAX_BODY_CHARS:
        raise TwilioError(
            400, 21617, "The concatenated message body exceeds the 1600 character limit"
        )
    if len(media_urls) > MAX_MEDIA:
        raise TwilioError(400, 21623, "Number of media files exceeds allowed limit")
    if any(urlsplit(url).scheme not in ("http", "https") for url in media_urls):
        raise TwilioError(400, 21620, "Invalid media URL(s)")
    if content_variables is not None and content_sid is None:
        raise TwilioError(
            400, 21654, "A ContentSid must be specified if ContentVariables are provided"
        )
    if content_sid is not None and not _CONTENT_SID.match(content_sid):
        raise TwilioError(400, 21655, "The ContentSid is Invalid")
    if content_variables is None:
        return {}
    try:
        parsed = json.loads(content_variables)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise TwilioError(400, 21656, "The ContentVariables Parameter is invalid")
    return parsed


def _parse_date_filter(name: str, raw: str) -> date | datetime:
    try:
        if len(raw) == 10:
            return date.fromisoformat(raw)
        moment = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise TwilioError(400, 20001, f"Invalid {name}: {raw}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _date_matches(sent: datetime | None, op: str, bound: date | datetime) -> bool:
    """DateSent= matches the whole UTC day (the SDK sends midnight datetimes for it);
    DateSent< and DateSent> are inclusive, at the precision the caller gave."""
    if sent is None:
        return False
    if op == "=":
        day = bound.astimezone(UTC).date() if isinstance(bound, datetime) else bound
        return sent.astimezone(UTC).date() == day
    left: date | datetime = sent if isinstance(bound, datetime) else sent.astimezone(UTC).date()
    return left <= bound if op == "<" else left >= bound


def _int_param(
    query: Mapping[str, str], name: str, default: int, low: int, high: int | None
) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if value < low or (high is not None and value > high):
        raise TwilioError(400, 20001, f"Invalid {name}: {raw}")
    return value


@dataclass(frozen=True)
class _ListFilter:
    """The list query's filters, parsed once so that a bad date fails even on no messages."""

    to: str | None
    from_: str | None
    date_sent: tuple[tuple[str, date | datetime], ...]

    @classmethod
    def parse(cls, raw_filters: Iterable[tuple[str, str]]) -> _ListFilter:
        raw = dict(raw_filters)
        dates = tuple(
            (name.removeprefix("DateSent") or "=", _parse_date_filter(name, value))
            for name, value in raw.items()
            if name.startswith("DateSent")
        )
        return cls(raw.get("To"), raw.get("From"), dates)

    def matches(self, message: StoredMessage) -> bool:
        if self.to is not None and message.to != self.to:
            return False
        if self.from_ is not None and message.from_ != self.from_:
            return False
        return all(_date_matches(message.date_sent, op, bound) for op, bound in self.date_sent)


def _page_start(selected: list[StoredMessage], token: str | None, page: int, page_size: int) -> int:
    """Index in the newest-first list where this page begins.

    Tokens name a message sid ("PA": start after it, "PB": the page before it) so that
    messages created while a client pages do not shift what it sees.
    """
    if token is None:
        return page * page_size
    position = next((i for i, m in enumerate(selected) if m.sid == token[2:]), None)
    if position is None or token[:2] not in ("PA", "PB"):
        raise TwilioError(400, 20001, f"Invalid PageToken: {token}")
    return position + 1 if token[:2] == "PA" else max(position - page_size, 0)


class TwilioStandInThread:
    """Runs a stand-in on its own event loop in a daemon thread (tests, ``minkops dev``)."""

    def __init__(self, stand_in: TwilioStandIn, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.stand_in = stand_in
        self.base_url = ""
        self._host = host
        self._port = port
        self._thread = threading.Thread(target=self._run, name="twilio-standin", daemon=True)
        self._started = threading.Event()
        self._start_error: Exception | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping = asyncio.Event()

    def start(self, timeout: float = 10.0) -> str:
        self._thread.start()
        if not self._started.wait(timeout):
            raise TimeoutError("the Twilio stand-in did not start in time")
        if self._start_error is not None:
            self._thread.join(timeout)
            raise RuntimeError("the Twilio stand-in failed to start") from self._start_error
        return self.base_url

    def stop(self, timeout: float = 10.0) -> None:
        if self._loop is None or not self._thread.is_alive():
            return
        self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise TimeoutError("the Twilio stand-in did not stop in time")

    def __enter__(self) -> TwilioStandInThread:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _run(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        try:
            self.base_url = await self.stand_in.start(self._host, self._port)
        except Exception as error:
            self._start_error = error
            return
        finally:
            self._started.set()
        try:
            await self._stopping.wait()
        finally:
            await self.stand_in.stop()


async def _serve(args: argparse.Namespace) -> None:
    stand_in = TwilioStandIn(
        args.account_sid, args.auth_token, whatsapp_window=not args.no_whatsapp_window
    )
    base_url = await stand_in.start(args.host, args.port)
    if args.webhook_url:
        stand_in.set_messaging_webhook(args.whatsapp_number, args.webhook_url)
    print(f"Twilio stand-in listening on {base_url}", flush=True)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    await stopping.wait()
    await stand_in.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the local Twilio stand-in.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--account-sid", required=True)
    parser.add_argument("--auth-token", required=True)
    parser.add_argument(
        "--no-whatsapp-window",
        action="store_true",
        help="do not enforce the 24 h WhatsApp window (Twilio does)",
    )
    parser.add_argument("--whatsapp-number", default="+14155238886", help="our WhatsApp sender")
    parser.add_argument("--webhook-url", help="where inbound messages to that number are posted")
    logging.basicConfig(level=logging.INFO)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(parser.parse_args(argv)))


if __name__ == "__main__":
    main()

"""A local stand-in for Twilio's Messages REST API that the real twilio SDK talks to unchanged.

It answers the routes the service uses (create, list, fetch messages; fetch media), checks
basic auth, answers errors in Twilio's JSON shape, and sends signed status callbacks. Tests
steer it with fault injection (``fail_next``, ``hold_creates``, the WhatsApp 24 h window).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import contextlib
import dataclasses
import hmac
import ipaddress
import json
import logging
import re
import signal
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from types import TracebackType
from urllib.parse import urlencode, urlsplit

from aiohttp import ClientError, ClientSession, ClientTimeout, web
from aiohttp.typedefs import Handler
from multidict import MultiDictProxy

from minkops.twilio_client import sign_twilio_request

logger = logging.getLogger(__name__)

API_VERSION = "2010-04-01"
MAX_BODY_CHARS = 1600
MAX_MEDIA = 10
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
WHATSAPP_WINDOW = timedelta(hours=24)
CALLBACK_TIMEOUT_SECONDS = 15.0
SANDBOX_MEDIA_PATH = "/sandbox/media"
MAX_SANDBOX_MEDIA_BYTES = 16 * 1024 * 1024  # WhatsApp's own limit for audio

_WHATSAPP_PREFIX = "whatsapp:"
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_CONTENT_SID = re.compile(r"^HX[0-9a-fA-F]{32}$")
# Media types WhatsApp accepts (Twilio's list, abridged to what an assistant would send).
_WHATSAPP_MEDIA_TYPES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "audio/ogg",
        "audio/mpeg",
        "audio/amr",
        "audio/mp4",
        "audio/aac",
        "video/mp4",
        "application/pdf",
    }
)
_WINDOW_MESSAGE = (
    "Failed to send freeform message because you are outside the allowed window. "
    "If you are using WhatsApp, please use a Message Template."
)


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


@dataclass(frozen=True)
class FetchedMedia:
    """What the stand-in found at an outbound MediaUrl when it "delivered" the message."""

    url: str
    http_status: int
    content_type: str
    size: int


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
            "direction": "outbound-api",
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
class _Failure:
    status: int
    code: int
    message: str


@dataclass(frozen=True)
class _DeliveryStep:
    status: str
    error: _Failure | None = None


@dataclass(frozen=True)
class _Media:
    message_sid: str
    data: bytes
    content_type: str
    cdn_token: str


class _TwilioError(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.failure = _Failure(status, code, message)


def _error_response(failure: _Failure, headers: Mapping[str, str] | None = None) -> web.Response:
    return web.json_response(
        {
            "code": failure.code,
            "message": failure.message,
            "more_info": f"https://www.twilio.com/docs/errors/{failure.code}",
            "status": failure.status,
        },
        status=failure.status,
        headers=headers,
    )


def _parse_date_filter(name: str, raw: str) -> date | datetime:
    try:
        if len(raw) == 10:
            return date.fromisoformat(raw)
        moment = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise _TwilioError(400, 20001, f"Invalid {name}: {raw}") from exc
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


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class TwilioStandIn:
    """Twilio's Messages API in memory. Thread-safe: tests inspect it from other threads."""

    def __init__(self, account_sid: str, auth_token: str, *, clock: Clock = _utc_now) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.base_url: str | None = None
        self._clock = clock
        self._cond = threading.Condition()
        self._messages: dict[str, StoredMessage] = {}
        self._create_attempts = 0
        self._create_faults: list[_Failure] = []
        self._delivery_faults: list[_DeliveryStep] = []
        self._holding = False
        self._held: list[asyncio.Future[None]] = []
        self._window_enforced = False
        self._window_asynchronous = False
        self._last_inbound: dict[str, datetime] = {}
        self._media: dict[str, _Media] = {}
        self._cdn: dict[str, str] = {}
        self._session: ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._runner: web.AppRunner | None = None

    # ----- test controls (any thread) -----

    def messages(self) -> list[StoredMessage]:
        """Every stored message, oldest first."""
        with self._cond:
            return list(self._messages.values())

    def create_attempts(self) -> int:
        """Authenticated create requests received, including those that failed."""
        with self._cond:
            return self._create_attempts

    def wait_for_messages(
        self,
        predicate: Callable[[StoredMessage], bool] = lambda _: True,
        count: int = 1,
        timeout: float = 5.0,
    ) -> list[StoredMessage]:
        """Block until at least ``count`` messages satisfy ``predicate``; return them.

        Call it from a thread other than the stand-in's loop (``asyncio.to_thread`` there).
        """

        def matching() -> list[StoredMessage]:
            return [m for m in self._messages.values() if predicate(m)]

        with self._cond:
            if not self._cond.wait_for(lambda: len(matching()) >= count, timeout):
                raise TimeoutError(f"fewer than {count} matching messages after {timeout} s")
            return matching()

    def fail_next(self, status: int, code: int, message: str, count: int = 1) -> None:
        """Make the next ``count`` creates fail with this Twilio error."""
        with self._cond:
            self._create_faults.extend([_Failure(status, code, message)] * count)

    def fail_next_delivery(
        self, code: int, message: str, status: str = "undelivered", count: int = 1
    ) -> None:
        """Make the next ``count`` accepted messages end ``undelivered`` (or ``failed``)."""
        if status not in ("undelivered", "failed"):
            raise ValueError(f"a delivery can only end undelivered or failed, not {status}")
        step = _DeliveryStep(status, _Failure(400, code, message))
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

    def enforce_whatsapp_window(self, enabled: bool = True, *, asynchronous: bool = False) -> None:
        """Refuse free-form WhatsApp messages outside the 24 h customer-service window.

        Synchronously (400 / 63016 on create) by default; with ``asynchronous`` the create
        is accepted and the message then fails with 63016, as Twilio usually reports it.
        """
        with self._cond:
            self._window_enforced = enabled
            self._window_asynchronous = asynchronous

    def record_inbound(self, number: str, at: datetime | None = None) -> None:
        """Note that ``number`` (with or without ``whatsapp:``) wrote to us at ``at``."""
        with self._cond:
            self._last_inbound[_address_number(number)] = at or self._clock()

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
        path = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{parent}/Media/{media_sid}"
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
        app.router.add_get("/cdn/media/{token}", self._cdn_media)
        app.router.add_post(SANDBOX_MEDIA_PATH, self._upload_media)
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
        bound_port = runner.addresses[0][1]
        shown_host = f"[{host}]" if ":" in host else host
        self.base_url = f"http://{shown_host}:{bound_port}"
        return self.base_url

    async def stop(self) -> None:
        # Held creates would otherwise keep the server's shutdown waiting.
        self.release_creates()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

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
        if request.path.startswith(f"/{API_VERSION}/") and not self._authorized(request):
            return _error_response(
                _Failure(401, 20003, "Authenticate"),
                headers={"WWW-Authenticate": 'Basic realm="Twilio API"'},
            )
        try:
            return await handler(request)
        except _TwilioError as error:
            return _error_response(error.failure)
        except web.HTTPNotFound:
            message = f"The requested resource {request.path} was not found"
            return _error_response(_Failure(404, 20404, message))
        except web.HTTPMethodNotAllowed:
            return _error_response(_Failure(405, 20004, "Method not allowed"))

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
            raise _TwilioError(404, 20404, f"The requested resource {request.path} was not found")

    async def _create_message(self, request: web.Request) -> web.StreamResponse:
        self._check_account(request)
        await self._pass_hold()
        form = await request.post()
        with self._cond:
            self._create_attempts += 1
            fault = self._create_faults.pop(0) if self._create_faults else None
        if fault is not None:
            raise _TwilioError(fault.status, fault.code, fault.message)
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
        _validate(to, from_, body, media_urls, content_sid, content_variables)
        now = self._now()
        with self._cond:
            steps = self._delivery_plan(to, content_sid, now)
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
            )
            self._messages[message.sid] = message
            self._cond.notify_all()
        return message, steps

    def _delivery_plan(
        self, to: str, content_sid: str | None, now: datetime
    ) -> list[_DeliveryStep]:
        """Decide now (under the lock) how this message's delivery will go."""
        if self._window_enforced and _is_whatsapp(to) and content_sid is None:
            last = self._last_inbound.get(_address_number(to))
            if last is None or now - last > WHATSAPP_WINDOW:
                failure = _Failure(400, 63016, _WINDOW_MESSAGE)
                if not self._window_asynchronous:
                    raise _TwilioError(failure.status, failure.code, failure.message)
                return [_DeliveryStep("failed", failure)]
        if self._delivery_faults:
            fault = self._delivery_faults.pop(0)
            return [fault] if fault.status == "failed" else [_DeliveryStep("sent"), fault]
        return [_DeliveryStep("sent"), _DeliveryStep("delivered")]

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
        selected = [m for m in reversed(self.messages()) if wanted.matches(m)]
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
            raise _TwilioError(404, 20404, f"The requested resource {request.path} was not found")
        return web.json_response(message.resource())

    async def _fetch_media(self, request: web.Request) -> web.Response:
        self._check_account(request)
        with self._cond:
            media = self._media.get(request.match_info["media_sid"])
        if media is None or media.message_sid != request.match_info["sid"]:
            raise _TwilioError(404, 20404, f"The requested resource {request.path} was not found")
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

    async def _upload_media(self, request: web.Request) -> web.Response:
        """Sandbox only: store an attachment another process (``minkops chat``) will send.

        Body: the bytes; Content-Type: their media type. Answers 201 ``{"url": …}``.
        """
        if not self._authorized(request):
            return _error_response(
                _Failure(401, 20003, "Authenticate"),
                headers={"WWW-Authenticate": 'Basic realm="Twilio API"'},
            )
        content_type = request.headers.get("Content-Type", "")
        if not content_type or content_type == "application/octet-stream":
            raise _TwilioError(400, 21620, "A media upload needs its media type as Content-Type")
        data = bytearray()
        # Streamed by hand: the app's client_max_size (1 MiB) is too small for voice notes.
        async for chunk in request.content.iter_chunked(64 * 1024):
            data += chunk
            if len(data) > MAX_SANDBOX_MEDIA_BYTES:
                raise _TwilioError(413, 11751, "Media exceeds the 16 MB limit")
        if not data:
            raise _TwilioError(400, 21620, "A media upload needs a body")
        url = self.add_media(bytes(data), content_type)
        return web.json_response({"url": url, "content_type": content_type}, status=201)

    # ----- delivery and status callbacks -----

    async def _deliver(self, sid: str, steps: list[_DeliveryStep]) -> None:
        try:
            with self._cond:
                message = self._messages[sid]
            if message.media_urls and steps[-1].status == "delivered":
                fetched, failure = await self._fetch_outbound_media(message)
                self._update(sid, lambda m: dataclasses.replace(m, fetched_media=fetched))
                if failure is not None:
                    steps = [_DeliveryStep("failed", failure)]
            for step in steps:
                message = self._advance(sid, step)
                if message.status_callback:
                    await self._send_callback(message)
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
    ) -> tuple[tuple[FetchedMedia, ...], _Failure | None]:
        """Fetch each MediaUrl as Twilio does before sending; say why delivery fails, if it does."""
        fetched: list[FetchedMedia] = []
        for url in message.media_urls:
            if not _is_loopback(url) or self._session is None:
                # The stand-in never leaves the machine, so it cannot retrieve this URL.
                return tuple(fetched), _Failure(400, 11200, f"HTTP retrieval failure: {url}")
            try:
                async with self._session.get(url) as response:
                    data = await response.read()
                    content_type = response.headers.get("Content-Type", "")
                    fetched.append(FetchedMedia(url, response.status, content_type, len(data)))
            except (ClientError, TimeoutError):
                return tuple(fetched), _Failure(400, 11200, f"HTTP retrieval failure: {url}")
            if response.status != 200:
                return tuple(fetched), _Failure(400, 11200, f"HTTP retrieval failure: {url}")
            problem = _media_problem(content_type, data) if _is_whatsapp(message.to) else None
            if problem is not None:
                return tuple(fetched), _Failure(400, 12300, problem)
        return tuple(fetched), None

    async def _send_callback(self, message: StoredMessage) -> None:
        assert message.status_callback is not None and self._session is not None
        params = {
            "AccountSid": message.account_sid,
            "ApiVersion": API_VERSION,
            "From": message.from_,
            "MessageSid": message.sid,
            "MessageStatus": message.status,
            "SmsSid": message.sid,
            "SmsStatus": message.status,
            "To": message.to,
        }
        if message.error_code is not None:
            params["ErrorCode"] = str(message.error_code)
            params["ErrorMessage"] = message.error_message or ""
        headers = {
            "X-Twilio-Signature": sign_twilio_request(
                self.auth_token, message.status_callback, params
            ),
            "User-Agent": "TwilioProxy/1.1",
        }
        try:
            async with self._session.post(
                message.status_callback, data=params, headers=headers
            ) as response:
                if response.status >= 400:
                    logger.warning(
                        "twilio_standin.callback_rejected",
                        extra={"message_sid": message.sid, "http_status": response.status},
                    )
        except (ClientError, TimeoutError) as error:
            logger.warning(
                "twilio_standin.callback_failed",
                extra={"message_sid": message.sid, "error": repr(error)},
            )


def _resolve(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


def _validate(
    to: str,
    from_: str,
    body: str,
    media_urls: tuple[str, ...],
    content_sid: str | None,
    content_variables: str | None,
) -> None:
    """Reject a create the way Twilio does, with Twilio's error codes."""
    if not to:
        raise _TwilioError(400, 21604, "A 'To' phone number is required.")
    if not from_:
        raise _TwilioError(400, 21603, "A 'From' phone number is required.")
    if not _E164.match(_address_number(to)):
        raise _TwilioError(400, 21211, f"Invalid 'To' Phone Number: {to}")
    if not _E164.match(_address_number(from_)):
        raise _TwilioError(400, 21212, f"Invalid From Number: {from_}")
    if _is_whatsapp(to) != _is_whatsapp(from_):
        raise _TwilioError(
            400, 21910, "Invalid From and To pair. From and To should be of the same channel"
        )
    if to == from_:
        raise _TwilioError(400, 21266, "'To' and 'From' number cannot be the same")
    if not body and not media_urls and content_sid is None:
        raise _TwilioError(400, 21602, "Message body is required.")
    if len(body) > MAX_BODY_CHARS:
        raise _TwilioError(
            400, 21617, "The concatenated message body exceeds the 1600 character limit"
        )
    if len(media_urls) > MAX_MEDIA:
        raise _TwilioError(400, 21623, "Number of media files exceeds allowed limit")
    if any(urlsplit(url).scheme not in ("http", "https") for url in media_urls):
        raise _TwilioError(400, 21620, "Invalid media URL(s)")
    if content_sid is not None and not _CONTENT_SID.match(content_sid):
        raise _TwilioError(400, 21655, "The ContentSid is Invalid")
    if content_variables is not None:
        try:
            parsed = json.loads(content_variables)
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            raise _TwilioError(400, 21656, "The ContentVariables Parameter is invalid")


def _media_problem(content_type: str, data: bytes) -> str | None:
    media_type = content_type.split(";")[0].strip().lower()
    if media_type not in _WHATSAPP_MEDIA_TYPES:
        return f"Invalid Content-Type: {content_type or '(none)'}"
    if media_type == "audio/ogg" and not (data.startswith(b"OggS") and b"OpusHead" in data[:512]):
        return "Invalid Content-Type: OGG audio must use the Opus codec"
    return None


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
        raise _TwilioError(400, 20001, f"Invalid {name}: {raw}")
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
        raise _TwilioError(400, 20001, f"Invalid PageToken: {token}")
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
    stand_in = TwilioStandIn(args.account_sid, args.auth_token)
    if args.whatsapp_window:
        stand_in.enforce_whatsapp_window()
    base_url = await stand_in.start(args.host, args.port)
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
        "--whatsapp-window", action="store_true", help="enforce the 24 h WhatsApp window"
    )
    logging.basicConfig(level=logging.INFO)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(parser.parse_args(argv)))


if __name__ == "__main__":
    main()

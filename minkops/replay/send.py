"""Post recorded messages to the service as Twilio does: signed, each with a MessageSid of
its own, open-loop on the recording's clock, and retried only when the connection failed
(Twilio's default connection override, `rc=1`, `rp=ct`): never after an HTTP answer."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp

from minkops.replay.traffic import Record
from minkops.twilio_client import sign_twilio_request

WEBHOOK_PATH = "/twilio/whatsapp"
CONNECTION_RETRIES = 1
REQUEST_TIMEOUT = 15.0  # Twilio's own webhook timeout


@dataclass(frozen=True)
class Account:
    sid: str
    auth_token: str
    number: str


@dataclass(frozen=True)
class Pace:
    """Either a fixed rate (messages a second) or a speed-up of the recording's timing."""

    rate: float | None = None
    speedup: float = 1.0

    def due(self, index: int, record: Record) -> float:
        if self.rate is not None:
            return index / self.rate
        return record.offset / self.speedup


@dataclass
class Sent:
    index: int
    sender: str
    sid: str
    started: float  # wall clock, seconds since the epoch, when the first attempt went out
    answered: float | None = None
    status: int | None = None  # the HTTP status, None when no answer came
    attempts: int = 0
    error: str | None = None

    @property
    def acknowledged(self) -> bool:
        return self.status == 200


def twilio_form(account: Account, record: Record, sid: str) -> dict[str, str]:
    form = {
        "MessageSid": sid,
        "SmsMessageSid": sid,
        "SmsSid": sid,
        "AccountSid": account.sid,
        "From": f"whatsapp:{record.sender}",
        "To": f"whatsapp:{account.number}",
        "Body": record.body,
        "NumMedia": str(len(record.media)),
        "NumSegments": "1",
        "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
        "WaId": record.sender.lstrip("+"),
        "MessageType": "audio" if record.media else "text",
    }
    for n, media in enumerate(record.media):
        form[f"MediaUrl{n}"] = media.url
        form[f"MediaContentType{n}"] = media.content_type
    return form


def new_sid(record: Record) -> str:
    return record.sid or "SM" + secrets.token_hex(16)


async def _post(
    session: aiohttp.ClientSession,
    url: str,
    signed_url: str,
    account: Account,
    sent: Sent,
    record: Record,
) -> None:
    form = twilio_form(account, record, sent.sid)
    headers = {
        "X-Twilio-Signature": sign_twilio_request(account.auth_token, signed_url, form),
        "Content-Type": "application/x-www-form-urlencoded",
        "User-Agent": "TwilioProxy/1.1",
    }
    body = urlencode(form).encode()
    for attempt in range(1 + CONNECTION_RETRIES):
        sent.attempts = attempt + 1
        try:
            async with session.post(url, data=body, headers=headers) as response:
                await response.read()
                sent.status = response.status
                sent.answered = time.time()
                return
        except (TimeoutError, aiohttp.ClientConnectionError) as error:
            # No answer: the connection failed or timed out, the one case Twilio retries.
            sent.error = type(error).__name__
    sent.answered = None


async def replay(
    base_url: str,
    public_url: str,
    account: Account,
    records: Sequence[Record],
    pace: Pace,
    on_answer: Callable[[Sent], None] = lambda _: None,
) -> list[Sent]:
    """Send every record at its due time, whatever happened to earlier ones (open loop),
    and return what each got."""
    url = base_url.rstrip("/") + WEBHOOK_PATH
    signed_url = public_url.rstrip("/") + WEBHOOK_PATH

    async def _post_then(*posted: Any) -> None:
        await _post(*posted)
        on_answer(posted[4])

    sents = [Sent(i, r.sender, new_sid(r), 0.0) for i, r in enumerate(records)]
    connector = aiohttp.TCPConnector(limit=0)  # Twilio opens as many connections as it needs
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    loop = asyncio.get_running_loop()
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        tasks = []
        start = loop.time()
        for index, record in enumerate(records):
            delay = start + pace.due(index, record) - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            sent = sents[index]
            sent.started = time.time()
            tasks.append(
                asyncio.create_task(_post_then(session, url, signed_url, account, sent, record))
            )
        await asyncio.gather(*tasks)
    return sents

"""Signed Twilio webhooks, posted with bounded concurrency, and waiting for their outcome.

Requests are built and signed before the clock starts: the figures are the service's,
not the load generator's.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

import aiohttp
import asyncpg

from minkops.bench.orgs import BenchOrg
from minkops.twilio_client import sign_twilio_request

PATH = "/twilio/whatsapp"
# What admins write, in turn: help, two kinds of new task, a listing.
TEXTS = (
    "ayuda",
    "tarea para Juan: limpiar la nevera mañana a las 10",
    "tareas",
    "tarea: pedir servilletas",
)


@dataclass(frozen=True)
class Twilio:
    """What a webhook needs to look like Twilio's: the account, its token, our number."""

    account_sid: str
    auth_token: str
    number: str


@dataclass(frozen=True)
class SignedPost:
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class PostResult:
    seconds: float
    """From the first request sent to the last answer received."""
    failures: int
    """Answers other than 200, and requests that failed."""


def build_posts(
    twilio: Twilio, public_url: str, orgs: Sequence[BenchOrg], count: int, start: int = 0
) -> list[SignedPost]:
    """`count` messages from the orgs' admins, spread round-robin over `orgs`."""
    posts = []
    for i in range(start, start + count):
        sender = orgs[i % len(orgs)].admin_phone
        sid = "SM" + uuid.uuid4().hex
        form = {
            "MessageSid": sid,
            "SmsMessageSid": sid,
            "SmsSid": sid,
            "AccountSid": twilio.account_sid,
            "From": f"whatsapp:{sender}",
            "To": f"whatsapp:{twilio.number}",
            "Body": TEXTS[i % len(TEXTS)],
            "NumMedia": "0",
            "NumSegments": "1",
            "SmsStatus": "received",
            "ApiVersion": "2010-04-01",
            "WaId": sender.lstrip("+"),
            "ProfileName": "Ana",
            "MessageType": "text",
        }
        signature = sign_twilio_request(twilio.auth_token, public_url + PATH, form)
        posts.append(
            SignedPost(
                urlencode(form).encode(),
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-Twilio-Signature": signature,
                    "User-Agent": "TwilioProxy/1.1",
                },
            )
        )
    return posts


async def post_all(base_url: str, posts: Sequence[SignedPost], concurrency: int) -> PostResult:
    """Post everything through `concurrency` workers (Twilio opens many connections too)."""
    url = base_url + PATH
    queue = iter(posts)
    failures = 0

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal failures
        for post in queue:
            try:
                async with session.post(url, data=post.body, headers=post.headers) as response:
                    await response.read()
                    failures += response.status != 200
            except aiohttp.ClientError:
                failures += 1

    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        return PostResult(time.perf_counter() - started, failures)


async def inbox_watermark(connection: asyncpg.Connection) -> int:
    """The newest inbox id now: rows of the next run have larger ids."""
    return int(await connection.fetchval("SELECT coalesce(max(id), 0) FROM inbox"))


async def outbox_watermark(connection: asyncpg.Connection) -> int:
    return int(await connection.fetchval("SELECT coalesce(max(id), 0) FROM outbox"))


async def wait_processed(
    connection: asyncpg.Connection, after_id: int, expected: int, timeout: float
) -> int:
    """Wait until `expected` inbox rows past `after_id` are processed; returns how many are.

    A row is marked processed in the same transaction that writes its outbox rows, so this
    is the moment every reply exists in the outbox.
    """
    return await _wait_count(
        connection,
        "SELECT count(*) FROM inbox WHERE id > $1 AND processed_at IS NOT NULL",
        after_id,
        expected,
        timeout,
    )


async def wait_sent(connection: asyncpg.Connection, after_id: int, timeout: float) -> int:
    """Wait until every outbox row past `after_id` has left for Twilio (or failed for good);
    returns how many have."""
    total = int(await connection.fetchval("SELECT count(*) FROM outbox WHERE id > $1", after_id))
    return await _wait_count(
        connection,
        "SELECT count(*) FROM outbox WHERE id > $1 AND status NOT IN ('pending', 'sending')",
        after_id,
        total,
        timeout,
    )


async def _wait_count(
    connection: asyncpg.Connection, query: str, after_id: int, expected: int, timeout: float
) -> int:
    deadline = time.monotonic() + timeout
    while True:
        count = int(await connection.fetchval(query, after_id))
        if count >= expected or time.monotonic() > deadline:
            return count
        await asyncio.sleep(0.05)

"""A burst of signed WhatsApp webhooks, sent and redelivered as Twilio would, and what came of it.

Each message asks for a task whose title carries a token of its own, so the reply
that reaches the Twilio stand-in names the message it answers.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
import asyncpg

from minkops.admin import check_member, create_organization
from minkops.sandbox.chat import ChatTarget, inbound_form
from minkops.sandbox.twilio_api import StoredMessage
from minkops.twilio_client import sign_twilio_request
from tests.e2e.conftest import RunningService

# Consonants only: a token can never read as a word the rule engine knows ("hoy", "at").
_LETTERS = "bcdfghjklmnpqrstvwxz"
TOKEN = re.compile(r"\bzq[bcdfghjklmnpqrstvwxz]{4}\b")
SETTLED_STATUSES = frozenset({"sent", "delivered", "read"})


def token(index: int) -> str:
    letters = []
    for _ in range(4):
        index, digit = divmod(index, len(_LETTERS))
        letters.append(_LETTERS[digit])
    return "zq" + "".join(letters)


@dataclass(frozen=True)
class BurstMessage:
    token: str
    org_index: int
    form: dict[str, str]

    @property
    def sid(self) -> str:
        return self.form["MessageSid"]


async def create_admins(pool: asyncpg.Pool, count: int) -> list[str]:
    """`count` Spanish organizations, each with one admin; their phones, in order."""
    phones = []
    for index in range(count):
        owner = check_member(f"Dueña {index:02d}", f"+3461{index:07d}", "admin", "es", "text", None)
        await create_organization(
            pool,
            name=f"Ráfaga {index:02d}",
            timezone="Europe/Madrid",
            owner=owner,
            country="ES",
            language="es",
        )
        phones.append(owner.phone)
    return phones


def make_burst(target: ChatTarget, phones: Sequence[str], per_org: int) -> list[BurstMessage]:
    """`per_org` task requests from each admin, interleaved so that every org is busy at once."""
    burst = []
    for index in range(len(phones) * per_org):
        org_index = index % len(phones)
        word = token(index)
        form = inbound_form(target, phones[org_index], f"tarea: limpiar {word}")
        burst.append(BurstMessage(word, org_index, form))
    return burst


@dataclass(frozen=True)
class Webhook:
    """Posts signed forms to the service's WhatsApp webhook, as Twilio does."""

    session: aiohttp.ClientSession
    url: str
    auth_token: str

    async def post(self, form: dict[str, str]) -> int | None:
        """The HTTP status Twilio would see, or None when the connection failed (no answer)."""
        headers = {"X-Twilio-Signature": sign_twilio_request(self.auth_token, self.url, form)}
        try:
            async with self.session.post(self.url, data=form, headers=headers) as response:
                await response.read()
                return response.status
        except (aiohttp.ClientError, OSError, TimeoutError):
            return None


def twilio_session(timeout: float = 30) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout))


async def send_burst(
    webhook: Webhook,
    burst: Sequence[BurstMessage],
    *,
    concurrency: int,
    kill_after: int,
    kill: Callable[[], None],
) -> set[str]:
    """Send everything, `concurrency` at a time; call `kill` on the `kill_after`-th 200.

    Returns the MessageSids answered 200: those Twilio holds as delivered.
    """
    acknowledged: set[str] = set()
    gate = asyncio.Semaphore(concurrency)

    async def one(message: BurstMessage) -> None:
        async with gate:
            status = await webhook.post(message.form)
        if status == 200:
            acknowledged.add(message.sid)
            if len(acknowledged) == kill_after:
                kill()

    await asyncio.gather(*(one(message) for message in burst))
    return acknowledged


async def redeliver(
    webhook: Webhook,
    forms: Sequence[dict[str, str]],
    *,
    concurrency: int,
    timeout: float,
) -> list[int]:
    """Post each form until it is answered 200, as Twilio retries; the statuses seen on the way."""
    deadline = time.monotonic() + timeout
    gate = asyncio.Semaphore(concurrency)
    seen: list[int] = []
    remaining = list(forms)
    attempt = 0
    while remaining:
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(remaining)} redeliveries never answered 200: {seen}")
        if attempt:
            # Twilio's own retry policy backs off; so do we, instead of hammering a busy service.
            await asyncio.sleep(min(0.2 * attempt, 2.0))
        attempt += 1

        async def one(form: dict[str, str]) -> int | None:
            async with gate:
                return await webhook.post(form)

        statuses = await asyncio.gather(*(one(form) for form in remaining))
        seen.extend(status for status in statuses if status is not None)
        remaining = [f for f, s in zip(remaining, statuses, strict=True) if s != 200]
    return seen


@dataclass(frozen=True)
class DatabaseState:
    """Inbox, outbox and tasks, read as the superuser: past row-level security."""

    inbox: list[asyncpg.Record]
    outbox: list[asyncpg.Record]
    tasks: list[asyncpg.Record]

    @property
    def unprocessed(self) -> int:
        return sum(1 for row in self.inbox if row["processed_at"] is None)

    @property
    def unsent(self) -> int:
        return sum(1 for row in self.outbox if row["status"] in ("pending", "sending"))

    @property
    def sending(self) -> int:
        return sum(1 for row in self.outbox if row["status"] == "sending")

    def settled(self) -> bool:
        return self.unprocessed == 0 and self.unsent == 0


async def read_state(connection: asyncpg.Connection) -> DatabaseState:
    async with connection.transaction(isolation="repeatable_read", readonly=True):
        inbox = await connection.fetch(
            "SELECT id, message_sid, org_id, processed_at FROM inbox ORDER BY id"
        )
        outbox = await connection.fetch("SELECT * FROM outbox ORDER BY id")
        tasks = await connection.fetch("SELECT org_id, number, title FROM tasks ORDER BY id")
    return DatabaseState(inbox, outbox, tasks)


def tokens_in(bodies: Iterable[str]) -> Counter[str]:
    return Counter(found for body in bodies for found in TOKEN.findall(body))


def explain(
    words: Iterable[str],
    stand_in: Sequence[StoredMessage],
    state: DatabaseState,
    services: Sequence[RunningService],
) -> str:
    """What the stand-in, the outbox and each process's log say about these tokens."""
    lines = []
    events = [(number, service.log_events()) for number, service in enumerate(services)]
    for word in sorted(words)[:10]:
        lines.append(f"token {word}:")
        rows = [row for row in state.outbox if word in row["body"]]
        recorded = {row["twilio_sid"] for row in rows}
        for message in stand_in:
            if word in message.body:
                known = "recorded in the outbox" if message.sid in recorded else "in no outbox row"
                lines.append(f"  twilio {message.sid} created {message.date_created:%T}, {known}")
        for row in rows:
            lines.append(f"  outbox {dict(row)}")
        keys = {row["idempotency_key"].partition(":")[0] for row in rows}
        ids = {row["id"] for row in rows}
        for number, logged in events:
            for event in logged:
                if event.get("outbox_id") in ids or event.get("message_sid") in keys:
                    lines.append(f"  process {number}: {json.dumps(event, sort_keys=True)}")
    return "\n".join(lines)


def count_events(service: RunningService, name: str, **fields: Any) -> int:
    return sum(
        1
        for event in service.log_events()
        if event.get("event") == name and all(event.get(k) == v for k, v in fields.items())
    )

"""Webhook delivery for the Stripe stand-in: signed as Stripe signs, retried as Stripe retries,
and steerable by tests (hold, shuffle, duplicate, resend, bad signatures).

Stripe promises neither order nor exactly-once delivery, so the switches here let a test make
both happen on purpose instead of by luck.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import random
import threading
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout

from minkops.sandbox.stripe_wire import JSON

logger = logging.getLogger(__name__)

USER_AGENT = "Stripe/1.0 (+https://stripe.com/docs/webhooks)"


def signature_header(payload: bytes, secret: str, timestamp: int) -> str:
    """`Stripe-Signature`: HMAC-SHA256 with the endpoint secret over "{t}.{payload}"."""
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


@dataclass(frozen=True)
class WebhookEndpoint:
    url: str
    secret: str
    # None: every event type (Stripe's "*").
    enabled_events: frozenset[str] | None = None

    def wants(self, event_type: str) -> bool:
        return self.enabled_events is None or event_type in self.enabled_events


@dataclass(frozen=True)
class WebhookAttempt:
    """One POST of one event to the endpoint (or the failure to make it)."""

    event_id: str
    event_type: str
    attempt: int
    status: int | None
    error: str | None
    signed_at: int
    automatic: bool

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True)
class _Job:
    event: JSON
    payload: bytes
    attempt: int = 1


class WebhookDispatcher:
    """Posts events to one endpoint from the stand-in's event loop.

    First attempts go out one at a time in the order submitted (Stripe's order, unless shuffled);
    a failed attempt is retried after `retry_delays[n]` seconds without holding up later events.
    """

    def __init__(
        self,
        cond: threading.Condition,
        *,
        retry_delays: Sequence[float],
        timeout: float,
        wall_clock: Callable[[], float],
        rng: random.Random,
    ) -> None:
        self._cond = cond
        self.retry_delays = tuple(retry_delays)
        self.timeout = timeout
        self._wall_clock = wall_clock
        self._rng = rng
        self.endpoint: WebhookEndpoint | None = None
        self.attempts: list[WebhookAttempt] = []
        self.shuffle = False
        self.duplicate = False
        self._holding = False
        self._held: list[JSON] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._session: ClientSession | None = None
        self._queue: asyncio.Queue[_Job] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    # ----- lifecycle (on the stand-in's loop) -----

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._session = ClientSession(timeout=ClientTimeout(total=self.timeout))
        self._queue = asyncio.Queue()
        self._spawn(self._work())

    async def stop(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
        self._loop = self._session = self._queue = None

    # ----- what gets sent (any thread; the caller holds the condition) -----

    def submit(self, events: Sequence[JSON]) -> None:
        """Queue freshly published events for their first attempt."""
        wanted = [e for e in events if self.endpoint is not None and self.endpoint.wants(e["type"])]
        for event in wanted:
            event["pending_webhooks"] = 1
        if self._holding:
            self._held.extend(wanted)
            return
        self._enqueue(wanted)

    def hold(self) -> None:
        self._holding = True

    def release(self) -> list[str]:
        """Stop holding; send what was held, in order (shuffled or duplicated if switched on)."""
        self._holding = False
        held, self._held = self._held, []
        self._enqueue(held)
        return [event["id"] for event in held]

    def held(self) -> list[JSON]:
        return list(self._held)

    def _enqueue(self, events: Sequence[JSON]) -> None:
        batch = list(events)
        if self.duplicate:
            batch = batch + batch
        if self.shuffle:
            self._rng.shuffle(batch)
        if self._loop is None or self._queue is None:
            return
        for event in batch:
            job = _Job(event, _body(event))
            self._loop.call_soon_threadsafe(self._queue.put_nowait, job)

    # ----- sending (on the loop) -----

    async def send_once(
        self, event: JSON, *, secret: str | None = None, signed_at: int | None = None
    ) -> WebhookAttempt:
        """One attempt outside the retry schedule (tests: resend, bad secret, stale time)."""
        with self._cond:
            body = _body(event)
            count = 1 + sum(
                1 for a in self.attempts if a.event_id == event["id"] and not a.automatic
            )
        return await self._post(
            event, body, count, automatic=False, secret=secret, signed_at=signed_at
        )

    async def _work(self) -> None:
        assert self._queue is not None
        while True:
            job = await self._queue.get()
            await self._deliver(job)

    async def _deliver(self, job: _Job) -> None:
        attempt = await self._post(job.event, job.payload, job.attempt, automatic=True)
        if attempt.succeeded:
            with self._cond:
                job.event["pending_webhooks"] = 0
            return
        if job.attempt <= len(self.retry_delays):
            delay = self.retry_delays[job.attempt - 1]
            self._spawn(self._retry(_Job(job.event, job.payload, job.attempt + 1), delay))
        else:
            logger.warning(
                "stripe_standin.webhook_gave_up",
                extra={"event_id": job.event["id"], "attempts": job.attempt},
            )

    async def _retry(self, job: _Job, delay: float) -> None:
        await asyncio.sleep(delay)
        await self._deliver(job)

    async def _post(
        self,
        event: JSON,
        body: bytes,
        number: int,
        *,
        automatic: bool,
        secret: str | None = None,
        signed_at: int | None = None,
    ) -> WebhookAttempt:
        endpoint = self.endpoint
        timestamp = int(self._wall_clock()) if signed_at is None else signed_at
        status: int | None = None
        error: str | None = None
        if endpoint is None or self._session is None:
            error = "no webhook endpoint is configured"
        else:
            headers = {
                "Content-Type": "application/json; charset=utf-8",
                "Stripe-Signature": signature_header(body, secret or endpoint.secret, timestamp),
                "User-Agent": USER_AGENT,
                "Cache-Control": "no-cache",
            }
            try:
                async with self._session.post(endpoint.url, data=body, headers=headers) as response:
                    await response.read()
                    status = response.status
            except (ClientError, TimeoutError) as failure:
                error = repr(failure)
        attempt = WebhookAttempt(
            event["id"], event["type"], number, status, error, timestamp, automatic
        )
        with self._cond:
            self.attempts.append(attempt)
            self._cond.notify_all()
        if not attempt.succeeded:
            logger.warning(
                "stripe_standin.webhook_failed",
                extra={
                    "event_id": event["id"],
                    "event_type": event["type"],
                    "attempt": number,
                    "http_status": status,
                    "error": error,
                },
            )
        return attempt

    def _spawn(self, coro: Any) -> None:
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _body(event: JSON) -> bytes:
    # Stripe sends pretty-printed JSON; the signature covers these exact bytes.
    return json.dumps(event, indent=2).encode()


def enabled(types: Collection[str] | None) -> frozenset[str] | None:
    if types is None or "*" in types:
        return None
    return frozenset(types)

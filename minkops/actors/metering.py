"""Usage metering: counts what each organization uses, and sends its meter events to Stripe.

Counting itself happens in the org actor's commit (`minkops.domain.billing.CountUsage`),
which also writes the meter events of organizations with a Stripe customer to
meter_outbox in the same transaction. This actor sends them: each with the identifier
derived from its usage row (a resend after a crash is refused by Stripe with "An event
already exists with identifier ...", which means delivered) and its original timestamp
(Stripe down: they wait and go later, up to Stripe's 35 days back).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import stripe

from minkops.actors.persistence import Persistence
from minkops.actors.supervisor import ChildContext, SupervisedActor
from minkops.logs import get_logger
from minkops.metrics import Metrics
from minkops.store import billing as store

log = get_logger(__name__)

# The SDK logs every request at INFO, with URLs that name customers.
logging.getLogger("stripe").setLevel(logging.WARNING)

STRIPE_BACKDATE_LIMIT = timedelta(days=35)
"""Stripe refuses meter events older than this; such an event is marked failed, loudly."""


@dataclass(frozen=True)
class Used:
    org_id: int
    what: str  # messages, tasks, voice_notes, transcription_seconds, openai_tokens
    amount: int = 1


@dataclass(frozen=True)
class SendDue:
    """Tick: send the meter events that are due."""


def make_stripe_client(api_key: str, api_base: str) -> stripe.StripeClient:
    if api_base:
        return stripe.StripeClient(api_key, base_addresses={"api": api_base}, max_network_retries=0)
    return stripe.StripeClient(api_key, max_network_retries=0)


def already_sent(error: stripe.StripeError) -> bool:
    """Stripe's answer to an identifier it has seen: the event is in, nothing to resend."""
    return isinstance(error, stripe.InvalidRequestError) and "already exists" in str(
        error.user_message or error
    )


def send_due(
    persistence: Persistence,
    client: stripe.StripeClient,
    *,
    now: datetime,
    retry_max_seconds: float = 300.0,
    batch: int = 100,
) -> int:
    """Send what is due; returns how many went (or were already in). Stops at the first
    network failure: Stripe is down, the rest wait for the next tick."""
    due = persistence.run(None, lambda c: store.due_meter_events(c, now, batch))
    sent = 0
    for event in due:
        if now - event.occurred_at > STRIPE_BACKDATE_LIMIT:
            log.error("metering.too_old", identifier=event.identifier)
            _done(persistence, event.id, "too_old")
            continue
        try:
            client.v1.billing.meter_events.create(
                {
                    "event_name": event.event_name,
                    "identifier": event.identifier,
                    "timestamp": int(event.occurred_at.timestamp()),
                    "payload": {
                        "stripe_customer_id": event.customer_id,
                        "value": str(event.value),
                    },
                },
                # The SDK would make a fresh key per call; ours survives a crash.
                {"idempotency_key": event.identifier},
            )
        except stripe.StripeError as error:
            if already_sent(error):
                _done(persistence, event.id)
                sent += 1
                continue
            retry = min(retry_max_seconds, 2.0 * 2 ** min(event.attempts, 16))
            retry *= 1 + random.uniform(-0.2, 0.2)
            at = now + timedelta(seconds=retry)
            _retry(persistence, event.id, at)
            transient = isinstance(error, (stripe.APIConnectionError, stripe.RateLimitError))
            status = error.http_status or 0
            log.warning(
                "metering.send_failed", status=status, kind=type(error).__name__, retry_in=retry
            )
            if transient or status >= 500:
                break
            continue
        _done(persistence, event.id)
        sent += 1
    return sent


def _done(persistence: Persistence, event_id: int, failed: str | None = None) -> None:
    async def work(connection: asyncpg.Connection) -> None:
        await store.meter_event_done(connection, event_id, failed)

    persistence.run(None, work)


def _retry(persistence: Persistence, event_id: int, at: datetime) -> None:
    async def work(connection: asyncpg.Connection) -> None:
        await store.meter_event_retry(connection, event_id, at)

    persistence.run(None, work)


class Metering(SupervisedActor):
    def __init__(
        self,
        context: ChildContext | None,
        metrics: Metrics,
        persistence: Persistence | None = None,
        client: stripe.StripeClient | None = None,
        *,
        retry_max_seconds: float = 300.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(context)
        self._metrics = metrics
        self._persistence = persistence
        self._client = client
        self._retry_max = retry_max_seconds
        self._clock = clock

    def on_receive(self, message: Any) -> Any:
        if isinstance(message, Used):
            self._metrics.usage.labels(what=message.what).inc(message.amount)
        elif isinstance(message, SendDue):
            if self._persistence is None or self._client is None:
                return None  # no Stripe configured: nothing is metered
            sent = send_due(
                self._persistence,
                self._client,
                now=self._clock(),
                retry_max_seconds=self._retry_max,
            )
            if sent:
                log.info("metering.sent", events=sent)
        return None

"""Outbound: sends outbox rows over WhatsApp with the twilio SDK, each exactly once.

Twilio's Messages API takes no idempotency key, so exactly-once is built around it:
a row is claimed (``sending``, committed) before ``messages.create`` and recorded
``sent`` with the SID after. A claim whose send got no answer (a crash, a timeout)
is ambiguous once its lease ends: the member lists the recipient's recent messages
at Twilio and adopts a match (same body and sender, created after the claim)
before it would ever send again. The idempotency key also rides in the status
callback URL, so a callback can settle an ambiguous row on its own.

Transient failures (429, 5xx, no answer) are retried with capped exponential
backoff and jitter, by a timer in the member and by the periodic ``SweepOutbox``.
Other Twilio errors (63016 outside the 24 h window, 21211 bad number) fail the row
for good with Twilio's code. One recipient's rows leave in the order they were
written: only the oldest unsettled row to a recipient is ever claimed.

Members form a pool (:func:`outbound_pool`); :func:`tell_outbound` routes each
recipient's rows to one member, so they do not wait for a sweep to go in order.

The lease (``sending_lease_seconds``) must outlast one create call: a send still
in flight when its lease ends could be reconciled before Twilio has it, and sent twice.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from functools import partial
from types import TracebackType
from typing import Any, Protocol, TypeVar

import asyncpg
import pykka
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client
from yarl import URL

from minkops.actors.backoff import Backoff, Cancellable, RestartPolicy, Scheduler
from minkops.actors.messages import SendOutbox, SweepOutbox
from minkops.actors.persistence import Persistence
from minkops.actors.pool import Pool, PoolMember
from minkops.actors.send_rate import SendRate
from minkops.actors.supervisor import ChildContext
from minkops.actors.timers import shared_timer
from minkops.domain import window
from minkops.domain.billing import Plans
from minkops.domain.phones import whatsapp_address
from minkops.i18n import pick_language
from minkops.logs import get_logger
from minkops.metrics import Metrics
from minkops.settings import OutboundSettings
from minkops.store import outbox
from minkops.store.billing import take_voice_note_out
from minkops.store.outbox import Claim, OutboxRow, Queued, Waiting
from minkops.templates import TemplateBook, content_variables
from minkops.voice.speaker import Speaker

log = get_logger(__name__)

T = TypeVar("T")
Clock = Callable[[], datetime]

# Twilio stamps date_created in whole seconds by its own clock: look a little before the claim.
_CLOCK_SKEW = timedelta(seconds=5)


def utc_now() -> datetime:
    return datetime.now(UTC)


def is_transient(error: TwilioRestException) -> bool:
    """Worth retrying: Twilio's own trouble or rate limiting; anything else will fail again."""
    return bool(error.status == 429 or error.status >= 500)


def status_callback_url(base: str, key: str) -> str:
    """``base?key=…`` in yarl's canonical form: the front end rebuilds the signed URL with
    yarl, so any other spelling of the key would break Twilio's signature."""
    return str(URL(base).update_query(key=key))


@dataclass(frozen=True)
class OutboundDeps:
    persistence: Persistence
    client_factory: Callable[[], Client]
    from_number: str  # E.164, the MinkOps WhatsApp sender
    status_callback_base: str  # e.g. https://minkops.example/twilio/status
    metrics: Metrics
    settings: OutboundSettings
    clock: Clock = utc_now
    scheduler: Scheduler = shared_timer
    rand: Callable[[], float] = random.random
    speaker: Speaker | None = None
    """Voice notes for rows with speech; None: the text goes alone."""
    plans: Plans | None = None
    """With plans, each voice note out is counted against its organization's voice cap;
    at the cap the text goes alone (and the admins are told once)."""
    templates_enabled: bool = False
    """Outside the 24-hour window, send the row's template (`minkops.domain.window`). The
    service turns it on (`[reminders] templates`); off, every row goes free-form."""
    send_rate: SendRate | None = None
    """The process-wide pace (`minkops.actors.send_rate`), shared by every member; None:
    unpaced. Waiting happens between the claim and the create, well inside the lease."""


Head = Claim | Waiting | None
"""What a claim of a recipient's head row found."""


class _Then(Enum):
    """A settled row with no claim of the next one: what the drain does next."""

    CLAIM = "claim"  # settled (failed, or by a callback): claim the next row itself
    WAIT = "wait"  # to be retried or looked at again: a timer wakes the recipient


@dataclass(frozen=True)
class _Due:
    """From a member's own timer: the head row to this recipient may be due now."""

    org_id: int | None
    recipient: str


class OutboundMember(PoolMember):
    def __init__(self, context: ChildContext | None, deps: OutboundDeps) -> None:
        super().__init__(context)
        self._deps = deps
        self._settings = deps.settings
        self._from = whatsapp_address(deps.from_number)
        self._lease = timedelta(seconds=deps.settings.sending_lease_seconds)
        self._backoff = Backoff(
            base=deps.settings.backoff_base_seconds,
            maximum=deps.settings.backoff_max_seconds,
            jitter=deps.settings.backoff_jitter,
        )
        self._client: Client | None = None
        self._templates: TemplateBook | None = None
        self._timers: dict[tuple[int | None, str], Cancellable] = {}

    def on_supervised_start(self) -> None:
        self._client = self._deps.client_factory()
        self._templates = TemplateBook(self._client)

    def on_supervised_stop(self) -> None:
        self._cancel_timers()

    def on_supervised_failure(
        self,
        exception_type: type[BaseException] | None,
        exception_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # Rows it was sending stay `sending` and are reconciled when their lease ends.
        self._cancel_timers()

    def on_job(self, message: Any) -> Any:
        if isinstance(message, SendOutbox):
            # No query first for which rows are still unsettled: a claim finds nothing for a
            # recipient whose rows are all sent (telling twice never sends twice).
            recipients = list(message.recipients) or self._db(
                message.org_id, lambda c: outbox.unsettled_recipients(c, message.outbox_ids)
            )
            for recipient in recipients:
                self._drain(message.org_id, recipient)
        elif isinstance(message, SweepOutbox):
            now, batch = self._deps.clock(), self._settings.sweep_batch
            for due in self._db(None, lambda c: outbox.due_recipients(c, now, batch)):
                self._drain(due.org_id, due.recipient)
        elif isinstance(message, _Due):
            self._timers.pop((message.org_id, message.recipient), None)
            self._drain(message.org_id, message.recipient)
        else:
            return super().on_job(message)
        return None

    # --- one recipient's queue ---------------------------------------------------------------

    def _drain(self, org_id: int | None, recipient: str) -> None:
        """Send this recipient's due rows oldest first, until one has to wait.

        A row recorded as sent comes back with the recipient's next claim (one statement),
        so n rows cost n + 1 round trips; other outcomes claim again on their own.
        """
        head = self._claim(org_id, recipient)
        while True:
            if head is None:
                return
            if isinstance(head, Waiting):
                self._wake_at(org_id, recipient, head.until)
                return
            then = self._settle(org_id, head)
            if then is _Then.WAIT:
                return
            head = self._claim(org_id, recipient) if then is _Then.CLAIM else then

    def _claim(self, org_id: int | None, recipient: str) -> Head:
        return self._alone(
            partial(
                outbox.claim_head,
                org_id=org_id,
                recipient=recipient,
                now=self._deps.clock(),
                lease=self._lease,
            )
        )

    def _settle(self, org_id: int | None, claim: Claim) -> Head | _Then:
        """Take a claimed row to its next state: the recipient's next claim when it was
        recorded as sent, CLAIM when settled otherwise, WAIT when the recipient must wait."""
        row = claim.row
        if not claim.ambiguous:
            return self._create(org_id, claim, row.attempts + 1)
        try:
            found = self._find_at_twilio(org_id, row)
        except (TwilioRestException, OSError) as error:
            # Without Twilio's answer a resend could double-send: look again later.
            reason = f"reconciling: {_describe(error)}"
            self._no_answer(org_id, row, row.attempts, reason, unsure_since=row.sending_at)
            return _Then.WAIT
        if found is not None:
            # Adopted: recorded like a send, so the next claim comes with it too.
            return self._record_sent(org_id, row, found, adopted=True)
        if row.attempts >= self._settings.max_attempts:
            reason = f"no answer from Twilio after {row.attempts} attempts"
            self._fail(org_id, row, row.attempts, None, reason, http_status=None)
            return _Then.CLAIM
        now = self._deps.clock()
        if not self._db(org_id, lambda c: outbox.start_attempt(c, row.id, now, self._lease)):
            return _Then.CLAIM  # settled meanwhile, by a status callback
        log.info("outbound.resend", org_id=org_id, outbox_id=row.id, attempt=row.attempts + 1)
        return self._create(org_id, claim, row.attempts + 1)

    def _create(self, org_id: int | None, claim: Claim, attempt: int) -> Head | _Then:
        assert self._client is not None
        row = claim.row
        try:
            content = self._content(org_id, claim)
            if self._deps.send_rate is not None:
                self._deps.send_rate.wait(media="media_url" in content)
            message = self._client.messages.create(
                to=whatsapp_address(row.recipient),
                from_=self._from,
                status_callback=status_callback_url(self._deps.status_callback_base, row.key),
                **content,
            )
        except TwilioRestException as error:
            if error.status == 429 and self._deps.send_rate is not None:
                self._deps.send_rate.rate_limited()  # over Twilio's pace: everyone slows
            if is_transient(error) and attempt < self._settings.max_attempts:
                self._retry(org_id, row, attempt, error)
                return _Then.WAIT
            # Failures are rare: a plain mark_failed, then a claim of its own.
            self._fail(org_id, row, attempt, error.code, str(error.msg), http_status=error.status)
            return _Then.CLAIM
        except OSError as error:
            # Refused, reset or timed out: Twilio may or may not have the message.
            self._no_answer(org_id, row, attempt, _describe(error))
            return _Then.WAIT
        return self._record_sent(org_id, row, str(message.sid), adopted=False)

    def _content(self, org_id: int | None, claim: Claim) -> dict[str, Any]:
        """What the message carries: the 24-hour rule decides (`domain.window.plan`), on the
        facts read with the claim (when the recipient last wrote, their language)."""
        assert self._templates is not None
        row, last_inbound, language = claim.row, claim.last_inbound, claim.language
        plan = window.plan(
            kind=row.kind,
            as_template=row.as_template,
            speech=row.speech,
            last_inbound=last_inbound,
            now=self._deps.clock(),
            templates_enabled=self._deps.templates_enabled,
        )
        if isinstance(plan, window.AsTemplate):
            name, sid = self._templates.sid_for(plan.kind, language)
            self._db(org_id, lambda c: outbox.mark_went_as_template(c, row.id))
            log.info("outbound.as_template", org_id=org_id, outbox_id=row.id, template=name)
            return {"content_sid": sid, "content_variables": content_variables(row.body)}
        content: dict[str, Any] = {"body": row.body}
        if plan.speech and self._deps.speaker is not None:
            note = self._deps.speaker.note(plan.speech, pick_language(language))
            if note is not None:
                token = note.token
                if self._db(org_id, lambda c: self._record_note(c, org_id, row.id, token)):
                    content["media_url"] = [note.url]
                else:  # over the voice cap: the text alone
                    self._deps.speaker.store.delete(token)
        return content

    async def _record_note(
        self, connection: asyncpg.Connection, org_id: int | None, outbox_id: int, token: str
    ) -> bool:
        """Count the note against the voice cap (once per row: a retry re-speaks it but is
        not counted again) and record its token, in one transaction. False: over the cap."""
        plans = self._deps.plans
        if plans is not None and org_id is not None:
            spoken_before = await connection.fetchval(
                "SELECT media_token IS NOT NULL FROM outbox WHERE id = $1", outbox_id
            )
            now = self._deps.clock()
            if not spoken_before and not await take_voice_note_out(connection, org_id, plans, now):
                return False
        await outbox.set_media_token(connection, outbox_id, token)
        return True

    def _find_at_twilio(self, org_id: int | None, row: OutboxRow) -> str | None:
        """The SID of this row's message if Twilio has it: same body and sender, created
        after the ambiguous attempt began, and not already another row's message."""
        assert self._client is not None and row.sending_at is not None
        since = row.sending_at.replace(microsecond=0) - _CLOCK_SKEW
        recent = self._client.messages.list(
            to=whatsapp_address(row.recipient),
            from_=self._from,
            limit=self._settings.reconcile_lookback,
        )
        matching = [
            m
            for m in recent
            if m.sid and _same_text(m.body, row.body) and m.date_created and m.date_created >= since
        ]
        if not matching:
            return None
        sids = [str(m.sid) for m in matching]
        taken = self._db(org_id, lambda c: outbox.known_sids(c, sids))
        free = [m for m in matching if m.sid not in taken]
        if not free:
            return None
        # Twilio lists newest first; the earliest after the claim is the one it made.
        oldest = min(free, key=lambda m: m.date_created or since)
        return str(oldest.sid)

    # --- outcomes ---------------------------------------------------------------------------

    def _record_sent(self, org_id: int | None, row: OutboxRow, sid: str, *, adopted: bool) -> Head:
        """Record the SID and claim the recipient's next row, in one round trip."""
        now = self._deps.clock()
        recorded, head = self._alone(
            lambda c: outbox.mark_sent_and_claim_next(c, org_id, row, sid, now, self._lease)
        )
        if recorded is not None and recorded != sid:
            # A callback settled the row with another SID first: Twilio has it twice.
            log.error("outbound.duplicate", org_id=org_id, outbox_id=row.id, twilio_sid=sid)
        self._deps.metrics.outbound.labels(result="adopted" if adopted else "sent").inc()
        log.info(
            "outbound.sent",
            org_id=org_id,
            outbox_id=row.id,
            twilio_sid=sid,
            attempts=row.attempts if adopted else row.attempts + 1,
            adopted=adopted,
            to=row.recipient,
        )
        return head

    def _retry(
        self, org_id: int | None, row: OutboxRow, attempt: int, error: TwilioRestException
    ) -> None:
        until = self._after_backoff(attempt)
        code, reason = error.code, str(error.msg)
        self._db(org_id, lambda c: outbox.retry_later(c, row.id, until, code, reason))
        self._deps.metrics.outbound.labels(result="retry").inc()
        log.warning(
            "outbound.retry",
            org_id=org_id,
            outbox_id=row.id,
            twilio_code=code,
            http_status=error.status,
            attempt=attempt,
            retry_at=until.isoformat(),
        )
        self._wake_at(org_id, row.recipient, until)

    def _no_answer(
        self,
        org_id: int | None,
        row: OutboxRow,
        attempt: int,
        reason: str,
        *,
        unsure_since: datetime | None = None,
    ) -> None:
        until = self._after_backoff(max(attempt, 1))
        if unsure_since is not None:
            # Reconciling adds no attempt, so the backoff would not grow through an outage:
            # wait as long as the row has been in doubt instead (doubling, up to the cap).
            now = self._deps.clock()
            doubt = min(now - unsure_since, timedelta(seconds=self._settings.backoff_max_seconds))
            until = max(until, now + doubt)
        self._db(org_id, lambda c: outbox.look_again_later(c, row.id, until, reason))
        self._deps.metrics.outbound.labels(result="no_answer").inc()
        log.warning(
            "outbound.no_answer",
            org_id=org_id,
            outbox_id=row.id,
            attempt=attempt,
            error=reason,
            retry_at=until.isoformat(),
        )
        self._wake_at(org_id, row.recipient, until)

    def _fail(
        self,
        org_id: int | None,
        row: OutboxRow,
        attempts: int,
        code: int | None,
        reason: str,
        *,
        http_status: int | None,
    ) -> None:
        changed = self._db(org_id, lambda c: outbox.mark_failed(c, row.id, code, reason))
        if not changed:
            return
        self._deps.metrics.outbound.labels(result="failed").inc()
        # Twilio's message for 21211 repeats the number: log the code, never the text.
        log.warning(
            "outbound.failed",
            org_id=org_id,
            outbox_id=row.id,
            twilio_code=code,
            http_status=http_status,
            attempts=attempts,
        )

    # --- plumbing ---------------------------------------------------------------------------

    def _after_backoff(self, attempt: int) -> datetime:
        delay = self._backoff.delay(attempt - 1, self._deps.rand())
        return self._deps.clock() + timedelta(seconds=delay)

    def _wake_at(self, org_id: int | None, recipient: str, until: datetime) -> None:
        key = (org_id, recipient)
        previous = self._timers.pop(key, None)
        if previous is not None:
            previous.cancel()
        delay = max(0.0, (until - self._deps.clock()).total_seconds())
        me, due = self.actor_ref, _Due(org_id, recipient)

        def tell_due() -> None:
            with contextlib.suppress(pykka.ActorDeadError):
                me.tell(due)

        self._timers[key] = self._deps.scheduler(delay, tell_due)

    def _cancel_timers(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()

    def _db(self, org_id: int | None, work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
        return self._deps.persistence.run(org_id, work)

    def _alone(self, work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
        """One statement that scopes itself to its organization: one round trip."""
        return self._deps.persistence.run_alone(work)


def _same_text(sent: str | None, body: str) -> bool:
    """Twilio's record of our message: the body itself, or a template around it."""
    return sent is not None and (sent == body or (bool(body) and body in sent))


def _describe(error: BaseException) -> str:
    if isinstance(error, TwilioRestException):
        return f"Twilio {error.status} / {error.code}"
    return type(error).__name__


def outbound_pool(
    deps: OutboundDeps,
    size: int,
    *,
    name: str = "outbound",
    policy: RestartPolicy | None = None,
) -> Pool:
    """``size`` supervised members sharing ``deps``; put ``.spec()`` in the tree."""

    def start(context: ChildContext) -> pykka.ActorRef[Any]:
        return OutboundMember.start(context, deps)

    return Pool(name, size, start, policy=policy)


class KeyedRecipient(Protocol):
    def tell_keyed(self, key: str, message: Any) -> None: ...


def tell_outbound(outbound: KeyedRecipient, org_id: int | None, queued: Sequence[Queued]) -> None:
    """Hand rows just written to the pool: one recipient's rows always to the same member."""
    by_recipient: dict[str, list[int]] = {}
    for row in queued:
        by_recipient.setdefault(row.recipient, []).append(row.id)
    for recipient, ids in by_recipient.items():
        outbound.tell_keyed(recipient, SendOutbox(org_id, tuple(ids), (recipient,)))

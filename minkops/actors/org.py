"""One actor per organization: a thin shell over the domain, and the order of things.

It never waits on a slow call. Understanding and voice notes go to pools and come
back as messages; meanwhile the actor serves other senders. One sender's messages
are acted on in arrival order: while one is in flight, later ones wait in that
sender's queue. What a message does is decided by the pure domain (`acting.act`),
and its effects are committed in one transaction with the inbox row marked processed
(`store.writers`), so a replay or a restart changes nothing twice and loses nothing.
No feature lives here: features are intents, handlers, effects and writers.
"""

from __future__ import annotations

import contextlib
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import asyncpg
import pykka
import structlog

from minkops.actors import messages as m
from minkops.actors.backoff import Cancellable, Scheduler
from minkops.actors.metering import Used
from minkops.actors.outbound import KeyedRecipient, tell_outbound
from minkops.actors.persistence import Persistence
from minkops.actors.timers import shared_timer
from minkops.domain import acting, billing
from minkops.domain import effects as fx
from minkops.domain.conversation import Conversation
from minkops.domain.handlers import Outcome
from minkops.domain.intents import Understood
from minkops.domain.models import Member
from minkops.domain.privacy import DEFAULT_LINKS, Links
from minkops.domain.replies import say
from minkops.domain.state import OrgState
from minkops.domain.translation import NONE, Translations
from minkops.domain.understanding import Understanding, read
from minkops.i18n import pick_language
from minkops.logs import get_logger
from minkops.metrics import Metrics
from minkops.store import activation, inbox, queries, turn_commit
from minkops.store import billing as billing_store
from minkops.store import reminders as reminder_store
from minkops.store.database import ProcessedBefore
from minkops.store.inbox import InboxRow
from minkops.store.outbox import Queued
from minkops.store.writers import PhoneTaken, write_effects

log = get_logger(__name__)

# Remembered so that a message delivered twice (start-up resume and activation scan) is
# not read twice; the inbox row's processed mark is what finally guarantees it.
_RECENTLY_DONE = 1000
# Rows of a flooding sender are kept from the inbox sweeper this long while we read them.
HELD_FOR = 300.0


class Recipient(Protocol):
    def tell(self, message: Any) -> None: ...


class AlreadyProcessed(Exception):
    """The inbox row was acted on before (a replay): nothing is written again."""


@dataclass(frozen=True)
class OrgDependencies:
    persistence: Persistence
    outbound: KeyedRecipient
    understanding: Recipient
    voice: Recipient
    directory: Recipient
    metering: Recipient
    strangers: Recipient
    metrics: Metrics
    history_turns: int = 6
    reply_deadline: float = 60.0
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    scheduler: Scheduler = shared_timer
    links: Links = DEFAULT_LINKS
    sender_backlog: int = 30
    """Rows of one sender held in memory at most; more stay in the inbox (back-pressure)."""
    reminders: Recipient | None = None
    """The reminder scheduler: told when a reminder is set or resumed."""
    plans: billing.Plans | None = None
    """With plans, every acted-on message is counted against its organization's caps."""
    meters: dict[billing.What, str] = field(default_factory=lambda: dict(billing.DEFAULT_METERS))
    public_url: str = ""
    stripe_on: bool = False
    local_reader: Understanding | None = None
    """An engine read on the org actor's own thread: the rule engine, pure and ~1 ms a
    message, for which a round trip through the understanding pool (two thread handoffs,
    each a wake-up and a GIL switch) cost more than the reading. None: ask the pool
    (OpenAI takes seconds)."""


@dataclass
class _InFlight:
    row: InboxRow
    sender: Member
    started: float
    deadline: Cancellable
    said: str = ""
    seconds: int = 0
    """Of audio transcribed for it: counted with the turn (usage_daily)."""
    tokens: int = 0
    """OpenAI tokens spent reading it (transcription and understanding)."""


@dataclass(frozen=True)
class _Next:
    """To itself: begin the next waiting message of `sender`."""

    sender: str


@dataclass
class _SenderQueue:
    in_flight: str | None = None
    waiting: deque[InboxRow] = field(default_factory=deque)


class OrgActor(pykka.ThreadingActor):
    # Daemon: the directory stops org actors in order; a stuck one must not keep the process.
    use_daemon_thread = True

    def __init__(self, org_id: int, deps: OrgDependencies) -> None:
        super().__init__()
        self.org_id = org_id
        self._deps = deps
        self._state: OrgState | None = None
        self._conversations: dict[int, Conversation] = {}
        self._queues: dict[str, _SenderQueue] = {}
        self._in_flight: dict[str, _InFlight] = {}
        self._done: OrderedDict[str, None] = OrderedDict()
        self._received = 0
        # Rows the inbox sweeper gave up on: answered with an apology, not acted on.
        self._apologise: set[str] = set()
        # Back-pressure: senders with more rows than sender_backlog; the rest wait in the
        # inbox and are read in batches as the queue empties. Noticed: told to slow down.
        self._deferred: set[str] = set()
        self._noticed: set[str] = set()

    # --- lifecycle ---------------------------------------------------------------------------

    def on_start(self) -> None:
        started = time.perf_counter()
        try:
            self._load()
        except Exception:
            # pykka stops an actor whose on_start raises without calling on_failure: tell
            # the directory here, so it starts us again (with backoff) and nothing waits.
            log.exception("org.start_failed", org_id=self.org_id)
            self._report_death()
            raise
        self._deps.metrics.org_activation_seconds.observe(time.perf_counter() - started)

    def _load(self) -> None:
        org_id = self.org_id
        # One round trip on one pooled connection: in a burst of activations, each used to
        # queue three times for the pool (state, context, unfinished rows).
        loaded = self._deps.persistence.run_alone(lambda c: activation.load_org(c, org_id))
        self._state = loaded.state
        self._conversations = loaded.conversations
        # Work a previous incarnation accepted and never finished (it crashed, or the
        # process did): take it up again before anything newer from the same senders.
        for row in loaded.unprocessed:
            self._accept(row)

    def on_stop(self) -> None:
        for flight in self._in_flight.values():
            flight.deadline.cancel()

    def on_failure(self, *_: object) -> None:
        self.on_stop()
        self._report_death()

    def _report_death(self) -> None:
        with contextlib.suppress(Exception):
            self._deps.directory.tell(m.OrgActorDied(self.org_id, self.actor_ref))

    def on_receive(self, message: Any) -> Any:
        match message:
            case m.Deliver(row=row, quarantined=quarantined):
                self._received += 1
                if quarantined:
                    self._apologise.add(row.message_sid)
                self._accept(row)
            case m.Interpretation(
                message_sid=sid, understood=understood, tokens=tokens, translations=translated
            ):
                self._step(
                    sid, lambda flight: self._conclude(flight, understood, tokens, translated)
                )
            case m.Transcript(message_sid=sid, text=text, seconds=seconds, tokens=tokens):
                self._step(sid, lambda flight: self._transcribed(flight, text, seconds, tokens))
            case m.ReplyDeadline(message_sid=sid):
                self._step(sid, self._give_up)
            case _Next(sender=sender):
                self._next(sender)
            case m.PassivateIfIdle(delivered=delivered):
                self._passivate_if_idle(delivered)
            case m.IsBusy():
                return self._busy()
            case m.OrgChanged():
                self._reload()
            case m.FireReminders():
                self._received += 1  # the directory counts it too, for passivation
                self._fire_reminders()
            case _:
                log.warning("org.unknown_message", type=type(message).__name__)
        return None

    def _busy(self) -> bool:
        return bool(self._in_flight) or any(q.waiting for q in self._queues.values())

    def _passivate_if_idle(self, delivered: int) -> None:
        if delivered != self._received or self._busy():
            self._deps.directory.tell(m.StillBusy(self.org_id))
            return
        self._deps.directory.tell(m.Passivated(self.org_id, self.actor_ref))
        self.stop()

    def _reload(self) -> None:
        org_id = self.org_id
        self._state = self._deps.persistence.run(
            org_id, lambda c: queries.load_org_state(c, org_id)
        )

    # --- one message's way through --------------------------------------------------------

    def _accept(self, row: InboxRow) -> None:
        if row.message_sid in self._done or row.message_sid in self._in_flight:
            return
        queue = self._queues.setdefault(row.sender, _SenderQueue())
        if any(waiting.message_sid == row.message_sid for waiting in queue.waiting):
            return
        if row.sender in self._deferred or len(queue.waiting) >= self._deps.sender_backlog:
            self._defer(row)  # it stays in the inbox; read again when the queue empties
            return
        if queue.in_flight is None and not queue.waiting:
            self._begin(row)
        else:
            queue.waiting.append(row)

    def _begin(self, row: InboxRow) -> None:
        """Start on a row: reply at once when nothing needs reading, else hand it over."""
        structlog.contextvars.bind_contextvars(org_id=self.org_id, message_sid=row.message_sid)
        try:
            self._queues.setdefault(row.sender, _SenderQueue()).in_flight = row.message_sid
            sender = self._sender(row.sender)
            if sender is None:
                # Removed from the team since the message was accepted (or never on it):
                # strangers get their answer, rate-limited, from the strangers actor.
                self._deps.strangers.tell(m.Deliver(row))
                self._finish(row)
                return
            sid = row.message_sid
            deadline = self._deps.scheduler(self._deps.reply_deadline, self._deadline_teller(sid))
            flight = _InFlight(row, sender, time.perf_counter(), deadline)
            self._in_flight[sid] = flight
            message = row.message
            if sid in self._apologise:
                self._apologise.discard(sid)
                log.warning("inbound.quarantined_apology")
                self._say_only(flight, "try_again")
                return
            voice_note = message.voice_note
            text = message.text.strip()
            if voice_note is not None and self._voice_cap_reached():
                # Not transcribed: the month's voice notes are used up (asked to write instead).
                self._over_cap(flight, "voice_notes")
            elif voice_note is not None:
                log.info("inbound.voice_note", content_type=voice_note.content_type)
                self._deps.voice.tell(
                    m.Transcribe(
                        self.actor_ref,
                        sid,
                        voice_note.url,
                        voice_note.content_type,
                        sender.language,
                    )
                )
            elif text:
                self._ask_understanding(flight, text)
            else:
                self._say_only(flight, "media_unsupported")
        except Exception:
            self._failed(row)
        finally:
            structlog.contextvars.clear_contextvars()

    def _step(self, sid: str, action: Callable[[_InFlight], None]) -> None:
        flight = self._in_flight.get(sid)
        if flight is None:
            log.info("inbound.late_result", message_sid=sid)  # given up on, or done already
            return
        structlog.contextvars.bind_contextvars(org_id=self.org_id, message_sid=sid)
        try:
            action(flight)
        except Exception:
            self._failed(flight.row)
        finally:
            structlog.contextvars.clear_contextvars()

    def _transcribed(self, flight: _InFlight, text: str | None, seconds: int, tokens: int) -> None:
        flight.seconds += seconds
        flight.tokens += tokens
        if text is None or not text.strip():
            self._say_only(flight, "voice_unavailable")
            return
        self._ask_understanding(flight, text.strip())

    def _ask_understanding(self, flight: _InFlight, text: str) -> None:
        assert self._state is not None
        flight.said = text
        context = acting.understanding_context(
            self._state,
            flight.sender,
            self._conversations.get(flight.sender.id),
            self._deps.clock(),
            self._deps.history_turns,
        )
        sid = flight.row.message_sid
        if self._deps.local_reader is not None:
            # An engine error is a bug: it propagates to the caller's handler, which answers
            # the person with an apology at once (the pool's member would die instead, and
            # the person wait for the deadline).
            reading = read(self._deps.local_reader, text, context)
            # Told to itself, as the pool would tell it: what arrived meanwhile is taken in
            # first, so a flooding sender's rows queue where back-pressure counts them.
            self.actor_ref.tell(
                m.Interpretation(sid, reading.understood, reading.tokens, reading.translations)
            )
            return
        self._deps.understanding.tell(m.Understand(self.actor_ref, sid, text, context))

    def _conclude(
        self,
        flight: _InFlight,
        understood: Understood,
        tokens: int,
        translations: Translations = NONE,
    ) -> None:
        flight.tokens += tokens
        log.info("inbound.understood", kind=understood.intent.kind, language=understood.language)

        def decide() -> Outcome:
            assert self._state is not None
            return acting.act(
                self._state,
                flight.sender,
                self._conversations.get(flight.sender.id),
                flight.row.message,
                flight.said,
                understood,
                self._deps.clock(),
                self._deps.links,
                translations,
            )

        try:
            self._settle_counted(flight, decide())
        except PhoneTaken:
            self._say_only(flight, "member_phone_taken")
        except asyncpg.UniqueViolationError:
            # Task numbers taken behind our back (another process): reload and act again.
            self._reload()
            self._settle_counted(flight, decide())
        self._deps.metrics.handled.labels(kind=understood.intent.kind).inc()

    def _settle_counted(self, flight: _InFlight, outcome: Outcome) -> None:
        """Commit the outcome with its count against the caps; over a cap, the one friendly
        reply (or, after it, nothing) is committed instead, and the inbox row is done."""
        plans = self._deps.plans
        if plans is None or self._state is None:
            self._settle(flight.row, flight, outcome)
            return
        state, message, now = self._state, flight.row.message, self._deps.clock()
        effects = billing.complete(
            outcome.effects, plans, self._deps.public_url, self._deps.stripe_on
        )
        count = billing.count_usage(state, plans, message, effects, now, self._deps.meters)
        try:
            check = billing.member_check(effects, plans.get(state.org.plan))
            committed = Outcome((count, *effects, *check), outcome.question)
            self._settle(flight.row, flight, committed)
        except billing.OverCap as over:
            self._over_cap(flight, over.what)

    def _over_cap(self, flight: _InFlight, what: billing.CapKind) -> None:
        """Commit the one friendly notice (or, after it, nothing) for a message over a cap."""
        assert self._deps.plans is not None and self._state is not None
        log.info("inbound.over_cap", what=what, plan=self._state.org.plan)
        notice = billing.over_cap_outcome(
            self._state,
            self._deps.plans,
            flight.sender,
            flight.row.message,
            what,
            self._deps.clock(),
        )
        self._settle(flight.row, flight, Outcome(notice))

    def _voice_cap_reached(self) -> bool:
        plans, state = self._deps.plans, self._state
        if plans is None or state is None:
            return False
        org_id, plan = self.org_id, plans.get(state.org.plan)
        day = billing.local_day(self._deps.clock(), state.org.timezone)

        async def may(connection: asyncpg.Connection) -> bool:
            return await billing_store.may_send_voice_note(connection, org_id, day, plan)

        return not self._deps.persistence.run(org_id, may)

    def _say_only(self, flight: _InFlight, key: str) -> None:
        assert self._state is not None
        said = flight.said or flight.row.message.text.strip() or "(voice note)"
        outcome = acting.say_only(
            self._state,
            flight.sender,
            self._conversations.get(flight.sender.id),
            flight.row.message,
            said,
            key,
            self._deps.clock(),
        )
        self._settle(flight.row, flight, outcome)

    def _give_up(self, flight: _InFlight) -> None:
        log.warning("inbound.deadline", waited_s=round(time.perf_counter() - flight.started, 1))
        self._say_only(flight, "try_again")

    def _deadline_teller(self, sid: str) -> Callable[[], None]:
        ref = self.actor_ref

        def tell() -> None:
            with contextlib.suppress(pykka.ActorDeadError):
                ref.tell(m.ReplyDeadline(sid))

        return tell

    # --- committing -----------------------------------------------------------------------

    def _settle(self, row: InboxRow, flight: _InFlight, outcome: Outcome) -> None:
        """Commit the outcome with the inbox row, adopt its state, send, then move on."""
        if self._state is not None:  # what reading it cost, counted once with the turn
            cost = billing.count_cost(
                self._state, self._deps.clock(), flight.seconds, flight.tokens
            )
            outcome = Outcome((*outcome.effects, *cost), outcome.question)
        try:
            queued = self._commit(row, outcome)
        except AlreadyProcessed:
            log.info("inbound.already_processed")
        else:
            effects = outcome.effects
            if fx.needs_reload(effects):
                self._reload()  # new members get their ids from the database
            elif self._state is not None:
                self._state = fx.apply(self._state, effects)
            if any(isinstance(effect, fx.EraseMember) for effect in effects):
                self._conversations.clear()  # as the erasure did in the database
            for effect in effects:
                if isinstance(effect, fx.SaveConversation):
                    conversation = effect.conversation
                    self._conversations[conversation.member_id] = conversation
            tell_outbound(self._deps.outbound, self.org_id, queued)
            if self._deps.reminders is not None and any(
                isinstance(
                    e, fx.CreateReminder | fx.ChangeReminder | fx.SetDigest | fx.SetEscalation
                )
                for e in effects
            ):
                self._deps.reminders.tell(m.RemindersChanged())
            self._meter(row, outcome)
        self._deps.metrics.handling_seconds.observe(time.perf_counter() - flight.started)
        self._finish(row)

    def _meter(self, row: InboxRow, outcome: Outcome) -> None:
        self._deps.metering.tell(Used(self.org_id, "messages"))
        tasks = sum(isinstance(e, fx.CreateTask) for e in outcome.effects)
        if tasks:
            self._deps.metering.tell(Used(self.org_id, "tasks", tasks))
        if row.message.voice_note is not None:
            self._deps.metering.tell(Used(self.org_id, "voice_notes"))
        for cost in (e for e in outcome.effects if isinstance(e, billing.CountCost)):
            if cost.transcription_seconds:
                seconds = cost.transcription_seconds
                self._deps.metering.tell(Used(self.org_id, "transcription_seconds", seconds))
            if cost.openai_tokens:
                self._deps.metering.tell(Used(self.org_id, "openai_tokens", cost.openai_tokens))

    def _commit(self, row: InboxRow, outcome: Outcome) -> list[Queued]:
        org_id, inbox_id, effects = self.org_id, row.inbox_id, outcome.effects

        async def write(connection: asyncpg.Connection) -> list[Queued]:
            return await write_effects(connection, org_id, effects)

        async def in_one(connection: asyncpg.Connection) -> list[Queued]:
            return await turn_commit.commit_turn(connection, org_id, inbox_id, effects)

        try:
            if turn_commit.fits(effects):
                # The usual turn: one round trip, its own transaction (six round trips
                # through the writers, each holding a pooled connection).
                return self._deps.persistence.run_alone(in_one)
            return self._deps.persistence.run_processing(org_id, inbox_id, write)
        except ProcessedBefore:
            raise AlreadyProcessed from None

    def _fire_reminders(self) -> None:
        """Fire what is due: the occurrences are marked in the transaction that writes their
        outbox rows, so a crash in between delivers once (the rows' keys name them)."""
        org_id, now = self.org_id, self._deps.clock()
        structlog.contextvars.bind_contextvars(org_id=org_id)
        try:
            state = self._state
            if state is None:
                return
            queued, fired = self._deps.persistence.run(
                org_id, lambda c: reminder_store.fire_due(c, state, now)
            )
            if fired:
                self._reload()
                log.info("reminders.fired", reminders=fired, messages=len(queued))
                tell_outbound(self._deps.outbound, org_id, queued)
                if self._deps.reminders is not None:
                    self._deps.reminders.tell(m.RemindersChanged())
        except Exception:
            # Still due in the database: the scheduler tells us again.
            log.exception("reminders.fire_failed")
        finally:
            structlog.contextvars.clear_contextvars()

    def _failed(self, row: InboxRow) -> None:
        """A bug or an outage while acting: apologise rather than leave the person in silence.
        If even the apology cannot be committed (the database is down), the inbox row stays
        unprocessed and the next activation or start-up takes it up again."""
        log.exception("inbound.failed")
        flight = self._in_flight.get(row.message_sid)
        if flight is not None:
            try:
                self._say_only(flight, "try_again")
                return
            except Exception:
                log.exception("inbound.apology_failed")
        self._finish(row, done=False)

    def _finish(self, row: InboxRow, *, done: bool = True) -> None:
        flight = self._in_flight.pop(row.message_sid, None)
        if flight is not None:
            flight.deadline.cancel()
        if done:
            self._done[row.message_sid] = None
            if len(self._done) > _RECENTLY_DONE:
                self._done.popitem(last=False)
        queue = self._queues.get(row.sender)
        if queue is None:
            return
        queue.in_flight = None
        if not queue.waiting and row.sender in self._deferred:
            self._refill(row.sender, queue)
        if queue.waiting:
            # Through the inbox, not a direct call: a long queue must not become deep recursion.
            self.actor_ref.tell(_Next(row.sender))
        else:
            del self._queues[row.sender]
            self._noticed.discard(row.sender)

    # --- back-pressure ---------------------------------------------------------------------

    def _defer(self, row: InboxRow) -> None:
        sender = row.sender
        self._deps.metrics.throttled.inc()
        org_id = self.org_id
        if sender in self._deferred:
            try:  # only this row: the sender's earlier rows are held already
                self._deps.persistence.run(
                    org_id, lambda c: inbox.hold_row(c, row.inbox_id, HELD_FOR)
                )
            except Exception:
                log.warning("inbound.throttle_failed", exc_info=True)
            return
        self._deferred.add(sender)

        async def hold(connection: asyncpg.Connection) -> list[Queued]:
            # Keep the sweeper off rows we will read ourselves (it takes them up if we die).
            await inbox.hold_sender(connection, org_id, sender, HELD_FOR)
            member = self._state.member_by_phone(sender) if self._state else None
            if member is None or sender in self._noticed:
                return []
            body = say(pick_language(member.language), "sender_slow_down")
            notice = fx.Send(f"{row.message_sid}:slow_down", sender, body, member.id, "notice")
            return await write_effects(connection, org_id, [notice])

        try:
            queued = self._deps.persistence.run(org_id, hold)
        except Exception:
            log.warning("inbound.throttle_failed", exc_info=True)
            return
        if queued:
            self._noticed.add(sender)
            log.info("inbound.throttled", sender=sender)
            tell_outbound(self._deps.outbound, org_id, queued)

    def _refill(self, sender: str, queue: _SenderQueue) -> None:
        """The sender's queue is empty: read their next rows from the inbox, a batch at a time."""
        org_id, limit = self.org_id, self._deps.sender_backlog
        try:
            rows = self._deps.persistence.run(
                org_id, lambda c: inbox.unprocessed_of_sender(c, org_id, sender, limit + 1)
            )
        except Exception:
            log.warning("inbound.refill_failed", exc_info=True)
            return  # still deferred: the sweeper takes the rows up once their hold ends
        self._deferred.discard(sender)
        for waiting in rows:
            if waiting.message_sid in self._done or waiting.message_sid in self._in_flight:
                continue
            if len(queue.waiting) >= limit:
                self._deferred.add(sender)  # more after this batch
                break
            queue.waiting.append(waiting)

    def _next(self, sender: str) -> None:
        queue = self._queues.get(sender)
        if queue is not None and queue.in_flight is None and queue.waiting:
            self._begin(queue.waiting.popleft())

    def _sender(self, phone: str) -> Member | None:
        member = self._state.member_by_phone(phone) if self._state else None
        if member is None:
            # Added since we loaded (CLI, another process): look again before calling them a stranger.
            self._reload()
            member = self._state.member_by_phone(phone) if self._state else None
        return member

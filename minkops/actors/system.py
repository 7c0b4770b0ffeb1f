"""The supervision tree of one service process, started and stopped as a whole.

    root ─┬─ outbound       (pool)  Twilio sends
          ├─ understanding  (pool)  OpenAI, rule engine behind it (without a key, each org
          │                         actor reads with the rule engine on its own thread)
          ├─ voice          (pool)  voice notes in: fetch + transcribe
          ├─ metering               usage counters
          ├─ strangers              numbers of no organization: one explanation a day
          ├─ directory              org actors (virtual, supervised, passivated when idle)
          ├─ reminders              wakes at the next due reminder, tells its org actor
          └─ scheduler              housekeeping ticks

Children start in this order and stop in reverse: the scheduler and the org actors
(the leaves that produce work) stop first, the outbound pool last, so replies
already committed still leave while draining.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

import pykka

from minkops.actors import messages as m
from minkops.actors.directory import OrgDirectory
from minkops.actors.metering import Metering, SendDue, make_stripe_client
from minkops.actors.org import OrgActor, OrgDependencies
from minkops.actors.outbound import OutboundDeps, outbound_pool
from minkops.actors.persistence import Persistence
from minkops.actors.pool import Pool, PoolHandle
from minkops.actors.privacy import privacy_links, run_retention
from minkops.actors.reminders import ReminderScheduler
from minkops.actors.scheduler import Job, SchedulerActor
from minkops.actors.send_rate import SendRate
from minkops.actors.strangers import Strangers
from minkops.actors.supervisor import (
    ChildContext,
    ChildHandle,
    ChildSpec,
    ChildUnavailable,
    Registry,
    RestartIntensityExceeded,
    Runtime,
    SupervisorEvent,
    configure_thread_stack,
    start_tree,
)
from minkops.actors.understanding import UnderstandingMember
from minkops.actors.voice import FetchMedia, Transcribe_, VoiceNotesMember
from minkops.domain.billing import load_plans
from minkops.domain.understanding import Understanding
from minkops.logs import get_logger
from minkops.metrics import Metrics
from minkops.settings import CONFIG_DIR, Settings
from minkops.store import queries
from minkops.twilio_client import make_twilio_client
from minkops.voice.speaker import Speaker

log = get_logger(__name__)


@dataclass(frozen=True)
class Engines:
    """What reads messages and voice notes; chosen by the service from the settings."""

    understanding: Understanding
    fetch_media: FetchMedia | None = None
    transcribe: Transcribe_ | None = None
    read_in_org_actor: bool = False
    """True for an engine that is pure and fast (the rule engine alone): each org actor
    reads with it on its own thread instead of asking the understanding pool."""


@dataclass
class ActorSystem:
    root: pykka.ActorRef[Any]
    directory: ChildHandle
    outbound: PoolHandle

    def is_alive(self) -> bool:
        return self.root.is_alive() and self.directory.available

    def busy_orgs(self) -> int | None:
        """Blocking: call it off the event loop. None when the directory cannot say."""
        try:
            return int(self.directory.ask(m.CountBusy(), timeout=10))
        except (ChildUnavailable, pykka.Timeout):
            return None

    def drain(self, deadline: float) -> bool:
        """Wait (blocking) until no org actor has work in flight, or the deadline passes."""
        while time.monotonic() < deadline:
            if self.busy_orgs() == 0:
                return True
            time.sleep(0.05)
        return False

    def stop(self) -> None:
        """Blocking: call it off the event loop (actors may be waiting on the loop)."""
        self.root.stop(timeout=60)


def start_actor_system(
    settings: Settings,
    persistence: Persistence,
    engines: Engines,
    metrics: Metrics,
    on_escalate: Callable[[RestartIntensityExceeded], None],
    *,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    speaker: Speaker | None = None,
) -> ActorSystem:
    """Start the tree (blocking: call it off the event loop) and return handles into it."""
    actors = settings.actors
    configure_thread_stack(actors.thread_stack_kib * 1024)
    registry = Registry()
    runtime = Runtime(registry=registry, listener=_log_event)
    twilio = settings.twilio
    plans = load_plans(CONFIG_DIR, settings.config_overlay)
    stripe_settings = settings.stripe
    stripe_client = (
        make_stripe_client(stripe_settings.api_key, stripe_settings.api_base)
        if stripe_settings.api_key
        else None
    )

    outbound = outbound_pool(
        OutboundDeps(
            persistence,
            partial(make_twilio_client, twilio.account_sid, twilio.auth_token, twilio.api_base),
            twilio.whatsapp_number,
            f"{settings.public_url}/twilio/status",
            metrics,
            settings.outbound,
            speaker=speaker,
            plans=plans,
            templates_enabled=settings.reminders.templates,
            send_rate=SendRate(
                settings.outbound.text_messages_per_second,
                settings.outbound.media_messages_per_second,
            ),
        ),
        actors.outbound_pool_size,
    )
    understanding = Pool(
        "understanding",
        # Nothing asks the pool when each org actor reads for itself: one idle member
        # keeps the tree's shape, the others would be threads and stacks for nothing.
        1 if engines.read_in_org_actor else actors.understanding_pool_size,
        lambda ctx: UnderstandingMember.start(ctx, engines.understanding),
    )
    voice = Pool(
        "voice",
        actors.voice_pool_size,
        lambda ctx: VoiceNotesMember.start(ctx, engines.fetch_media, engines.transcribe),
    )

    # Handles resolve once a child's supervisor has started, so they are taken inside the
    # start functions, which run in tree order (pools first).
    def org_dependencies() -> OrgDependencies:
        return OrgDependencies(
            persistence=persistence,
            outbound=outbound.handle(registry),
            understanding=understanding.handle(registry),
            voice=voice.handle(registry),
            directory=registry.handle("directory"),
            metering=registry.handle("metering"),
            strangers=registry.handle("strangers"),
            metrics=metrics,
            history_turns=settings.openai.history_turns,
            reply_deadline=actors.reply_deadline_seconds,
            clock=clock,
            links=privacy_links(settings),
            sender_backlog=settings.faults.sender_messages_per_minute,
            reminders=registry.handle("reminders"),
            plans=plans,
            meters=dict(settings.billing.meters),
            public_url=settings.public_url,
            stripe_on=stripe_client is not None,
            local_reader=engines.understanding if engines.read_in_org_actor else None,
        )

    def start_directory(ctx: ChildContext) -> pykka.ActorRef[Any]:
        deps = org_dependencies()
        return OrgDirectory.start(
            ctx,
            lambda org_id: OrgActor.start(org_id, deps),
            deps.strangers,
            metrics,
            idle_timeout=actors.idle_timeout_seconds,
            max_live=actors.max_live,
        )

    specs = [
        outbound.spec(),
        understanding.spec(),
        voice.spec(),
        ChildSpec(
            "metering",
            lambda ctx: Metering.start(
                ctx,
                metrics,
                persistence,
                stripe_client,
                retry_max_seconds=settings.billing.metering_retry_max_seconds,
                clock=clock,
            ),
        ),
        ChildSpec(
            "strangers",
            lambda ctx: Strangers.start(
                ctx,
                persistence,
                outbound.handle(registry),
                clock=clock,
                policy_url=settings.privacy.policy_url,
            ),
        ),
        ChildSpec("directory", start_directory, shutdown_timeout=30.0),
        ChildSpec(
            "reminders",
            lambda ctx: ReminderScheduler.start(
                ctx, persistence, registry.handle("directory"), settings.reminders, clock=clock
            ),
        ),
        ChildSpec(
            "scheduler",
            lambda ctx: SchedulerActor.start(
                ctx,
                [
                    Job(
                        "housekeeping",
                        actors.housekeeping_interval_seconds,
                        partial(housekeeping, persistence, registry.handle("directory")),
                    ),
                    Job(
                        "retention",
                        settings.privacy.retention_interval_seconds,
                        partial(run_retention, persistence, settings, clock),
                    ),
                    Job(
                        "metering",
                        settings.billing.metering_interval_seconds,
                        partial(registry.handle("metering").tell, SendDue()),
                    ),
                    Job(
                        "outbox_sweep",
                        settings.outbound.sweep_interval_seconds,
                        partial(outbound.handle(registry).tell, m.SweepOutbox()),
                    ),
                    *(
                        [
                            Job(
                                "voice_notes",
                                actors.housekeeping_interval_seconds,
                                partial(_purge_notes, speaker),
                            )
                        ]
                        if speaker is not None
                        else []
                    ),
                ],
            ),
        ),
    ]
    root = start_tree(specs, runtime=runtime, on_escalate=on_escalate)
    return ActorSystem(
        root=root,
        directory=registry.handle("directory"),
        outbound=outbound.handle(registry),
    )


def housekeeping(persistence: Persistence, directory: ChildHandle) -> None:
    """Delete what is past its 24 hours, and let the directory passivate idle org actors."""
    conversations, inbound = persistence.run(None, queries.purge_expired)
    if conversations or inbound:
        log.info("housekeeping.purged", conversations=conversations, inbound=inbound)
    directory.tell(m.Housekeeping())


def _purge_notes(speaker: Speaker) -> None:
    """Voice notes whose lifetime ended without a final status callback."""
    purged = speaker.store.purge_expired()
    if purged:
        log.info("housekeeping.voice_notes", purged=purged)


def _log_event(event: SupervisorEvent) -> None:
    name = type(event).__name__
    details = {k: (str(v) if isinstance(v, BaseException) else v) for k, v in vars(event).items()}
    if name in ("ChildFailed", "Escalated", "ShutdownTimedOut"):
        log.warning(f"supervisor.{name}", **details)
    else:
        log.info(f"supervisor.{name}", **details)

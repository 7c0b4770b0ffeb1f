"""Starts and stops the actors of one service process."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import pykka

from minkops.actors.directory import OrgDirectory
from minkops.actors.org import OrgActor, OrgDependencies
from minkops.actors.outbound import Outbound
from minkops.actors.persistence import Persistence
from minkops.domain.understanding import Understanding
from minkops.metrics import Metrics
from minkops.settings import Settings
from minkops.twilio_client import make_twilio_client


@dataclass
class ActorSystem:
    directory: pykka.ActorRef[Any]
    outbound: pykka.ActorRef[Any]

    def is_alive(self) -> bool:
        return self.directory.is_alive() and self.outbound.is_alive()

    def stop(self) -> None:
        """Blocking: call it off the event loop (actors may be waiting on the loop)."""
        self.directory.stop(timeout=30)
        self.outbound.stop(timeout=30)


def start_actor_system(
    settings: Settings, persistence: Persistence, understanding: Understanding, metrics: Metrics
) -> ActorSystem:
    twilio = settings.twilio
    outbound = Outbound.start(
        persistence,
        partial(make_twilio_client, twilio.account_sid, twilio.auth_token, twilio.api_base),
        twilio.whatsapp_number,
        f"{settings.public_url}/twilio/status",
        metrics,
    )
    deps = OrgDependencies(persistence, outbound, understanding, metrics)

    def start_org_actor(org_id: int) -> pykka.ActorRef[Any]:
        return OrgActor.start(org_id, deps)

    directory = OrgDirectory.start(start_org_actor, persistence, outbound, metrics)
    return ActorSystem(directory=directory, outbound=outbound)

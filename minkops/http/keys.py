"""Typed keys for what the aiohttp application holds."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import asyncpg
from aiohttp import web

from minkops.actors.system import ActorSystem
from minkops.domain.inbound import InboundMessage
from minkops.metrics import Metrics
from minkops.settings import Settings
from minkops.store.group_commit import GroupCommit
from minkops.store.inbox import Accepted
from minkops.store.outbox import Recorded, StatusReport
from minkops.store.spool import Spool


@dataclass
class Lifecycle:
    """Whether webhooks are taken, and how the service is asked to stop."""

    accepting: bool = True
    escalated: bool = False
    stop: asyncio.Event = field(default_factory=asyncio.Event)


SETTINGS = web.AppKey("settings", Settings)
POOL = web.AppKey("pool", asyncpg.Pool)
ACTORS = web.AppKey("actors", ActorSystem)
METRICS = web.AppKey("metrics", Metrics)
LIFECYCLE = web.AppKey("lifecycle", Lifecycle)
SPOOL = web.AppKey("spool", Spool)
INBOX_ACCEPTS = web.AppKey[GroupCommit[InboundMessage, Accepted]]("inbox_accepts")
STATUS_RECORDS = web.AppKey[GroupCommit[StatusReport, Recorded]]("status_records")

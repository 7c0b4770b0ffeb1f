"""Typed keys for what the aiohttp application holds."""

from __future__ import annotations

import asyncpg
from aiohttp import web

from minkops.actors.system import ActorSystem
from minkops.metrics import Metrics
from minkops.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
POOL = web.AppKey("pool", asyncpg.Pool)
ACTORS = web.AppKey("actors", ActorSystem)
METRICS = web.AppKey("metrics", Metrics)

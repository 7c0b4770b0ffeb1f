"""Operator routes: liveness, readiness, metrics."""

from __future__ import annotations

import asyncio

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from minkops.http.keys import ACTORS, METRICS, POOL, SPOOL


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    problems: list[str] = []
    try:
        async with asyncio.timeout(2):
            await request.app[POOL].fetchval("SELECT 1")
    except Exception as error:
        problems.append(f"database: {type(error).__name__}")
    spool = request.app.get(SPOOL)
    if spool is not None and spool.depth:
        problems.append(f"spooling: {spool.depth} webhooks wait for the database")
    if not request.app[ACTORS].is_alive():
        problems.append("actors: not running")
    if problems:
        return web.json_response({"status": "unavailable", "problems": problems}, status=503)
    return web.json_response({"status": "ready"})


async def metrics(request: web.Request) -> web.Response:
    body = generate_latest(request.app[METRICS].registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

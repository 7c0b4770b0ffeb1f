"""GET /export/{token}: a person's data as JSON, once, within the link's lifetime.

The token is the only credential: 256 random bits, stored as a hash, spent by the first
GET (HEAD does not spend it), gone after `privacy.export_ttl_minutes`. Claiming it and
reading the data happen in one transaction, so a failure leaves the link unspent.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from aiohttp import web

from minkops.http.keys import POOL
from minkops.logs import get_logger
from minkops.store import privacy
from minkops.store.database import org_transaction

log = get_logger(__name__)

_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


async def serve_export(request: web.Request) -> web.Response:
    token = request.match_info["token"]
    if not 20 <= len(token) <= 100:
        return _gone()
    now = datetime.now(UTC)
    async with org_transaction(request.app[POOL], None) as connection:
        claim = await privacy.claim_export(connection, token, now)
        if claim is None:
            return _gone()
        await connection.execute("SELECT set_config('minkops.org_id', $1, true)", str(claim.org_id))
        document = await privacy.export_document(connection, claim.org_id, claim.member_id, now)
    if document is None:
        return _gone()
    log.info("export.served", org_id=claim.org_id, member_id=claim.member_id)
    return web.Response(
        body=json.dumps(document, ensure_ascii=False, indent=2).encode(),
        content_type="application/json",
        charset="utf-8",
        headers={
            **_HEADERS,
            "Content-Disposition": 'attachment; filename="minkops-export.json"',
        },
    )


def _gone() -> web.Response:
    # One answer for unknown, spent and expired: a guess learns nothing.
    return web.Response(status=404, text="this link has expired or was used\n", headers=_HEADERS)

"""What a status callback sets off beyond recording the status.

- **63016, asynchronously.** Twilio accepts a free-form message to someone outside the
  24-hour window and fails it later, in the status callback, with 63016 and an empty
  ErrorMessage. The same message is queued once more as a template (the outbox key makes it
  once) and handed to the outbound pool.
- **Voice notes are deleted** once their message is delivered, read, failed or undelivered.
"""

from __future__ import annotations

from aiohttp import web

from minkops.actors.outbound import tell_outbound
from minkops.domain.window import OUTSIDE_WINDOW
from minkops.http.keys import ACTORS, POOL
from minkops.http.media import MEDIA_STORE
from minkops.http.twilio_form import StatusUpdate
from minkops.logs import get_logger
from minkops.store import outbox
from minkops.store.database import org_transaction
from minkops.voice.media_store import DONE_STATUSES, delete_if_done

log = get_logger(__name__)


async def after_status(app: web.Application, update: StatusUpdate) -> None:
    status = update.status
    if status == "failed" and update.error_code == OUTSIDE_WINDOW:
        async with org_transaction(app[POOL], None) as connection:
            retried = await outbox.retry_as_template(connection, update.message_sid)
        if retried is not None:
            org_id, queued = retried
            log.info("outbound.retry_as_template", twilio_sid=update.message_sid, org_id=org_id)
            tell_outbound(app[ACTORS].outbound, org_id, [queued])
    store = app.get(MEDIA_STORE)
    if store is not None and status in DONE_STATUSES:
        async with org_transaction(app[POOL], None) as connection:
            token = await outbox.media_token_of(connection, update.message_sid)
        if token is not None and delete_if_done(store, token, status):
            log.info("voice.note_deleted", twilio_sid=update.message_sid, status=status)

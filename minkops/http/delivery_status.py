"""What a status callback sets off beyond recording the status.

- **63016, asynchronously.** Twilio accepts a free-form message to someone outside the
  24-hour window and fails it later, in the status callback, with 63016 and an empty
  ErrorMessage. The same message is queued once more as a template (the outbox key makes it
  once) and handed to the outbound pool.
- **Voice notes are deleted** once their message is delivered, read, failed or undelivered.

The database half of both is done where the status is recorded, in the same statement
(`outbox.record_deliveries`); what is left here touches no database.
"""

from __future__ import annotations

from aiohttp import web

from minkops.actors.outbound import tell_outbound
from minkops.domain.window import OUTSIDE_WINDOW
from minkops.http.keys import ACTORS
from minkops.http.media import MEDIA_STORE
from minkops.http.twilio_form import StatusUpdate
from minkops.logs import get_logger
from minkops.store.outbox import Recorded, StatusReport
from minkops.voice.media_store import DONE_STATUSES, delete_if_done

log = get_logger(__name__)


def report(update: StatusUpdate, key: str | None) -> StatusReport:
    """The callback as the store records it, with what it sets off by our rules."""
    return StatusReport(
        twilio_sid=update.message_sid,
        key=key,
        status=update.status,
        error_code=update.error_code,
        error_message=update.error_message,
        retry_as_template=update.status == "failed" and update.error_code == OUTSIDE_WINDOW,
        final=update.status in DONE_STATUSES,
    )


def follow_up(app: web.Application, update: StatusUpdate, recorded: Recorded) -> None:
    if recorded.template is not None:
        org_id, queued = recorded.template
        log.info("outbound.retry_as_template", twilio_sid=update.message_sid, org_id=org_id)
        tell_outbound(app[ACTORS].outbound, org_id, [queued])
    store = app.get(MEDIA_STORE)
    token = recorded.media_token
    if store is not None and token is not None and delete_if_done(store, token, update.status):
        log.info("voice.note_deleted", twilio_sid=update.message_sid, status=update.status)

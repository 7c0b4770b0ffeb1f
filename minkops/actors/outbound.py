"""Sends outbox rows over WhatsApp with the twilio SDK. One row at a time, oldest first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pykka
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from minkops.actors.messages import SendOutbox
from minkops.actors.persistence import Persistence
from minkops.db import queries
from minkops.domain.phones import whatsapp_address
from minkops.logs import get_logger
from minkops.metrics import Metrics

log = get_logger(__name__)


def is_transient(error: TwilioRestException) -> bool:
    """Worth retrying: Twilio's own trouble or rate limiting; anything else will fail again."""
    return bool(error.status == 429 or error.status >= 500)


class Outbound(pykka.ThreadingActor):
    def __init__(
        self,
        persistence: Persistence,
        client_factory: Callable[[], Client],
        from_number: str,
        status_callback_url: str,
        metrics: Metrics,
    ) -> None:
        super().__init__()
        self._persistence = persistence
        self._client_factory = client_factory
        self._from = whatsapp_address(from_number)
        self._status_callback_url = status_callback_url
        self._metrics = metrics
        self._client: Client | None = None

    def on_start(self) -> None:
        self._client = self._client_factory()

    def on_receive(self, message: Any) -> None:
        if isinstance(message, SendOutbox):
            for outbox_id in message.outbox_ids:
                self._send(message.org_id, outbox_id)

    def _send(self, org_id: int | None, outbox_id: int) -> None:
        assert self._client is not None
        row = self._persistence.run(org_id, lambda c: queries.outbox_row(c, outbox_id))
        if row is None or row.status != "pending":
            return
        try:
            sent = self._client.messages.create(
                to=whatsapp_address(row.recipient),
                from_=self._from,
                body=row.body,
                status_callback=self._status_callback_url,
            )
        except TwilioRestException as error:
            final = not is_transient(error)
            code, reason = error.code, str(error.msg)
            self._persistence.run(
                org_id, lambda c: queries.mark_failed(c, outbox_id, code, reason, final=final)
            )
            self._metrics.outbound.labels(result="failed" if final else "retry").inc()
            log.warning(
                "outbound.failed",
                org_id=org_id,
                outbox_id=outbox_id,
                twilio_code=error.code,
                http_status=error.status,
                final=final,
            )
            return
        except OSError as error:
            reason = repr(error)
            self._persistence.run(
                org_id, lambda c: queries.mark_failed(c, outbox_id, None, reason, final=False)
            )
            self._metrics.outbound.labels(result="retry").inc()
            log.warning("outbound.unreachable", org_id=org_id, outbox_id=outbox_id, error=reason)
            return
        self._persistence.run(org_id, lambda c: queries.mark_sent(c, outbox_id, str(sent.sid)))
        self._metrics.outbound.labels(result="sent").inc()
        log.info(
            "outbound.sent",
            org_id=org_id,
            outbox_id=outbox_id,
            twilio_sid=sent.sid,
            to=row.recipient,
        )

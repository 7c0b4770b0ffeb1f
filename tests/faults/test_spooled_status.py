"""A status callback that went to the spool (the database did not answer in time) still
sets off what it would have: Twilio never sends a status callback twice, so a spooled
63016 must still bring the template."""

from __future__ import annotations

import time

from minkops.recovery import _store_spooled
from minkops.store.spool import Spooled
from tests.http.conftest import ACCOUNT_SID, OWNER, Service, inbound


async def test_a_spooled_63016_still_brings_the_template(service: Service) -> None:
    assert (await service.post(inbound("SM" + "6" * 32, OWNER, "ayuda"))).status == 200
    (reply,) = await service.replies_to(OWNER, 1)
    await service.settled()
    failed = {
        "AccountSid": ACCOUNT_SID,
        "MessageSid": reply.sid,
        "SmsSid": reply.sid,
        "MessageStatus": "failed",
        "SmsStatus": "failed",
        "ErrorCode": "63016",
        "To": reply.to,
        "From": reply.from_,
    }
    await _store_spooled(service.server.app, Spooled("status", failed, time.time()))
    _, retried = await service.replies_to(OWNER, 2)
    assert retried.content_sid is not None  # the same message, as a template
    await service.settled()
    assert len(service.sent_to(OWNER)) == 2  # once

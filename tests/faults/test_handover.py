"""Finding 1: a caller that hung up before the 200 stranded its stored message; a retry of
it was then dropped as a duplicate. Rows nobody finished are swept and handed over again."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlencode

import asyncpg

from minkops.domain.inbound import InboundMessage
from minkops.store import inbox
from minkops.store.database import org_transaction
from minkops.twilio_client import sign_twilio_request
from tests.http.conftest import AUTH_TOKEN, OWNER, PUBLIC_URL, STAFF, Service, inbound


async def hang_up_after_sending(service: Service, form: dict[str, str], delay: float) -> None:
    """Send a whole signed request, then close the connection without reading the answer."""
    path = "/twilio/whatsapp"
    body = urlencode(form).encode()
    signature = sign_twilio_request(AUTH_TOKEN, PUBLIC_URL + path, form)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"X-Twilio-Signature: {signature}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    _, writer = await asyncio.open_connection(service.server.host, service.server.port)
    writer.write(head + body)
    await writer.drain()
    await asyncio.sleep(delay)
    writer.transport.abort()  # RST: the server's write of the 200 fails


async def test_callers_that_hang_up_are_each_answered_exactly_once(service: Service) -> None:
    # The org actor is live already (its activation scan would otherwise pick up the rows).
    assert (await service.post(inbound("SM" + "f" * 32, OWNER, "hola"))).status == 200
    await service.replies_to(OWNER)
    await service.settled()
    before = len(service.sent_to(OWNER))
    forms = [inbound(f"SM{n:032x}", OWNER, "tareas") for n in range(1, 21)]
    started = time.monotonic()
    # Hold the inbox for a moment so that every request is read and waits on its insert,
    # and each caller hangs up meanwhile: the 200 is then written to a closed connection.
    owner = await asyncpg.connect(service.database_url)
    try:
        async with owner.transaction():
            await owner.execute("LOCK TABLE inbox IN EXCLUSIVE MODE")
            await asyncio.gather(*(hang_up_after_sending(service, f, 0.2) for f in forms))
            await asyncio.sleep(0.1)
    finally:
        await owner.close()
    # Twilio retries a failed connection: the retry of a stored row must not be dropped.
    retried = await asyncio.gather(*(service.post(form) for form in forms[:10]))
    assert all(r.status == 200 for r in retried)
    await service.settled(timeout=20)
    owner = await asyncpg.connect(service.database_url)
    try:  # every message the service stored counts as acknowledged, whatever the caller saw
        stored = int(await owner.fetchval("SELECT count(*) FROM inbox"))
    finally:
        await owner.close()
    replies = service.sent_to(OWNER)[before:]
    stored -= 1  # the warm-up
    print(
        f"\nhang-ups: acknowledged={stored} replied={len(replies)}"
        f" doubled={max(0, len(replies) - stored)} in {time.monotonic() - started:.1f}s"
    )
    assert stored == len(forms)
    assert len(replies) == stored
    # Handed over before the 200 was written: the sweeper (the safety net) had nothing to do.
    metrics = await (await service.session.get(service.server.make_url("/metrics"))).text()
    assert 'minkops_inbox_redelivered_total{why="sweeper"}' not in metrics


async def test_a_retry_of_an_unfinished_row_is_handed_over_again(service: Service) -> None:
    # A row stored by a request whose hand-over never happened (the old code's hang-up path).
    message = InboundMessage(sid="SM" + "c" * 32, sender=OWNER, text="tareas")
    async with org_transaction(service.pool, None) as connection:
        assert await inbox.accept(connection, message) is not None
    assert (await service.post(inbound(message.sid, OWNER, "tareas"))).status == 200
    (reply,) = await service.replies_to(OWNER)
    await service.settled()
    assert len(service.sent_to(OWNER)) == 1
    assert "tareas" in reply.body.lower()
    metrics = await (await service.session.get(service.server.make_url("/metrics"))).text()
    assert 'minkops_inbox_redelivered_total{why="retried"} 1.0' in metrics
    assert 'minkops_inbox_redelivered_total{why="sweeper"}' not in metrics


async def test_the_sweeper_answers_a_row_nobody_handed_over(service: Service) -> None:
    message = InboundMessage(sid="SM" + "d" * 32, sender=STAFF, text="tareas")
    async with org_transaction(service.pool, None) as connection:
        assert await inbox.accept(connection, message) is not None
    started = time.monotonic()
    await service.replies_to(STAFF)
    await service.settled()
    assert len(service.sent_to(STAFF)) == 1
    assert time.monotonic() - started < 8


async def test_a_row_past_its_last_attempt_is_quarantined_with_an_apology(
    service: Service,
) -> None:
    message = InboundMessage(sid="SM" + "e" * 32, sender=OWNER, text="tareas")
    async with org_transaction(service.pool, None) as connection:
        row = await inbox.accept(connection, message)
    assert row is not None
    owner = await asyncpg.connect(service.database_url)
    try:  # as if every attempt so far had failed
        await owner.execute(
            "UPDATE inbox SET attempts = 3, received_at = now() - interval '1 minute' WHERE id = $1",
            row.inbox_id,
        )
        (apology,) = await service.replies_to(OWNER)
        await service.settled()
        quarantined = await owner.fetchval(
            "SELECT quarantined_at IS NOT NULL AND processed_at IS NOT NULL FROM inbox"
            " WHERE id = $1",
            row.inbox_id,
        )
    finally:
        await owner.close()
    assert quarantined
    assert len(service.sent_to(OWNER)) == 1
    assert "tareas" not in apology.body.lower()  # not acted on: an apology
    metrics = await (await service.session.get(service.server.make_url("/metrics"))).text()
    assert "minkops_inbox_quarantined_total 1.0" in metrics

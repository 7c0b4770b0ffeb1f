"""POST /twilio/whatsapp: signatures, limits, malformed input, dedup — and a reply comes out."""

from __future__ import annotations

import asyncio

import asyncpg

from minkops.store.database import org_transaction
from minkops.twilio_client import sign_twilio_request
from tests.http.conftest import AUTH_TOKEN, OWNER, PUBLIC_URL, STAFF, Service, inbound


async def inbox_count(service: Service) -> int:
    """Every organization's inbox rows: counted as the table owner, past row-level security."""
    connection = await asyncpg.connect(service.database_url)
    try:
        return int(await connection.fetchval("SELECT count(*) FROM inbox"))
    finally:
        await connection.close()


async def test_signed_message_is_answered_with_empty_twiml_and_a_reply(service: Service) -> None:
    response = await service.post(inbound("SM" + "a" * 32, OWNER, "ayuda"))
    assert response.status == 200
    assert response.content_type == "text/xml"
    (reply,) = await service.replies_to(OWNER)
    assert "MinkOps" in reply.body and "tareas" in reply.body  # Spanish help
    assert reply.from_ == "whatsapp:+14155238886"


async def test_wrong_signature_is_403_and_stores_nothing(service: Service) -> None:
    form = inbound("SM" + "b" * 32, OWNER, "ayuda")
    forged = sign_twilio_request("not-the-token", PUBLIC_URL + "/twilio/whatsapp", form)
    assert (await service.post(form, signature=forged)).status == 403
    assert (await service.post(form, signature="")).status == 403
    assert await inbox_count(service) == 0


async def test_signature_for_another_url_is_403(service: Service) -> None:
    form = inbound("SM" + "c" * 32, OWNER, "ayuda")
    # Signed for the address the server really listens on, not the public URL Twilio uses.
    local = str(service.server.make_url("/twilio/whatsapp"))
    assert (
        await service.post(form, signature=sign_twilio_request(AUTH_TOKEN, local, form))
    ).status == 403


async def test_tampered_body_is_403(service: Service) -> None:
    form = inbound("SM" + "d" * 32, OWNER, "ayuda")
    signature = sign_twilio_request(AUTH_TOKEN, PUBLIC_URL + "/twilio/whatsapp", form)
    form["Body"] = "tarea para Juan: transferir dinero"
    assert (await service.post(form, signature=signature)).status == 403


async def test_oversize_body_is_413_and_stores_nothing(service: Service) -> None:
    response = await service.post(inbound("SM" + "e" * 32, OWNER, "x" * 9000))
    assert response.status == 413
    assert await inbox_count(service) == 0


async def test_malformed_requests_are_400(service: Service) -> None:
    url = service.server.make_url("/twilio/whatsapp")
    # Not a form at all.
    async with service.session.post(url, json={"Body": "hi"}) as response:
        assert response.status == 400
    # Bytes that are not UTF-8.
    async with service.session.post(
        url, data=b"Body=\xff\xfe", headers={"Content-Type": "application/x-www-form-urlencoded"}
    ) as response:
        assert response.status == 400
    # Signed, but without the fields every Twilio message has.
    form = inbound("SM" + "f" * 32, OWNER, "hola")
    del form["MessageSid"]
    assert (await service.post(form)).status == 400
    # Signed, but From is not a WhatsApp address.
    form = inbound("SM" + "0" * 32, OWNER, "hola")
    form["From"] = "sms:+34600000001"
    assert (await service.post(form)).status == 400
    # PostgreSQL text cannot hold NUL: refused as malformed, never a 500.
    assert (await service.post(inbound("SM" + "7" * 32, OWNER, "hola\x00mundo"))).status == 400
    assert await inbox_count(service) == 0


async def test_twenty_concurrent_copies_give_one_reply(service: Service) -> None:
    form = inbound("SM" + "1" * 32, OWNER, "tareas")
    statuses = await asyncio.gather(*(service.post(form) for _ in range(20)))
    assert [r.status for r in statuses] == [200] * 20
    # Counted once nothing is left to do, and nothing more reaches Twilio for a while.
    await service.settled()
    (reply,) = service.sent_to(OWNER)
    assert "tareas" in reply.body.lower()
    assert await inbox_count(service) == 1


async def test_a_flood_from_a_stranger_gets_one_explanation(service: Service) -> None:
    stranger = "+447700900124"
    forms = [inbound(f"SM{n:032x}", stranger, f"hello {n}") for n in range(1, 101)]
    statuses = await asyncio.gather(*(service.post(form) for form in forms))
    assert [r.status for r in statuses] == [200] * 100
    await service.settled()
    assert len(service.sent_to(stranger)) == 1
    assert await inbox_count(service) == 100


async def test_stranger_gets_one_explanation_and_nothing_is_stored_but_the_inbox_row(
    service: Service,
) -> None:
    stranger = "+447700900123"
    assert (await service.post(inbound("SM" + "3" * 32, stranger, "hello?"))).status == 200
    (reply,) = await service.replies_to(stranger)
    assert "MinkOps" in reply.body and "manager" in reply.body
    async with org_transaction(service.pool, None) as connection:
        rows = await connection.fetch("SELECT message_sid, org_id FROM inbox")
    assert [(r["message_sid"], r["org_id"]) for r in rows] == [("SM" + "3" * 32, None)]


async def test_task_flow_between_owner_and_staff(service: Service) -> None:
    await service.post(inbound("SM" + "4" * 32, OWNER, "tarea para Juan: limpiar la nevera"))
    (confirmation,) = await service.replies_to(OWNER)
    (assigned,) = await service.replies_to(STAFF)
    assert "#1" in confirmation.body and "Juan" in confirmation.body
    assert "#1" in assigned.body and "limpiar la nevera" in assigned.body
    await service.post(inbound("SM" + "5" * 32, STAFF, "hecho 1"))
    await service.replies_to(STAFF, predicate=lambda m: "hecha" in m.body)
    notified = await service.replies_to(OWNER, 2)
    assert "Juan" in notified[1].body and "#1" in notified[1].body
    async with org_transaction(service.pool, service.org_id) as connection:
        status = await connection.fetchval("SELECT status FROM tasks WHERE number = 1")
    assert status == "done"


async def test_health_readiness_and_metrics(service: Service) -> None:
    for path in ("/healthz", "/readyz"):
        async with service.session.get(service.server.make_url(path)) as response:
            assert response.status == 200, path
    await service.post(inbound("SM" + "6" * 32, OWNER, "ayuda"))
    async with service.session.get(service.server.make_url("/metrics")) as response:
        text = await response.text()
    assert 'minkops_inbound_total{result="accepted"} 1.0' in text

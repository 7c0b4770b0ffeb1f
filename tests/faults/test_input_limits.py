"""Findings 7 and 8: signed input that caused a 500, a body trickled in forever, 10,000
fields. Anything malformed is a 4xx, and a slow body does not hold a connection."""

from __future__ import annotations

import asyncio
import time

import pytest

from minkops.twilio_client import sign_twilio_request
from tests.http.conftest import AUTH_TOKEN, OWNER, PUBLIC_URL, Service, inbound


def status_form(**fields: str) -> dict[str, str]:
    return {"MessageSid": "SM" + "1" * 32, "MessageStatus": "failed", **fields}


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/twilio/whatsapp", inbound("SM" + "a" * 2800, OWNER, "hola")),
        ("/twilio/status", status_form(ErrorCode="2147483648")),
        ("/twilio/status", status_form(ErrorCode="²")),
        ("/twilio/status", status_form(ErrorCode="-1")),
        ("/twilio/whatsapp", {**inbound("SM" + "b" * 32, OWNER, "hola"), "NumMedia": "99999"}),
    ],
)
async def test_signed_but_malformed_input_is_a_400(
    service: Service, path: str, form: dict[str, str]
) -> None:
    assert (await service.post(form, path=path)).status == 400


async def test_ten_thousand_fields_are_refused(service: Service) -> None:
    form = {**inbound("SM" + "c" * 32, OWNER, "hola")}
    form.update({f"X{n}": "y" for n in range(10_000)})
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    signature = sign_twilio_request(AUTH_TOKEN, PUBLIC_URL + "/twilio/whatsapp", form)
    body = "&".join(f"{k}={v}" for k, v in form.items())
    async with service.session.post(
        service.server.make_url("/twilio/whatsapp"),
        data=body,
        headers={**headers, "X-Twilio-Signature": signature},
    ) as response:
        # 413 (past the body limit) or 400 (past the field limit): never parsed, never a 500.
        assert response.status in (400, 413)


async def test_a_body_trickled_in_is_cut_off(service: Service) -> None:
    # body_read_timeout_seconds is 1 s in these tests.
    reader, writer = await asyncio.open_connection(service.server.host, service.server.port)
    writer.write(
        b"POST /twilio/whatsapp HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"X-Twilio-Signature: x\r\nContent-Length: 1000\r\n\r\nMessageSid=SM"
    )
    await writer.drain()
    started = time.monotonic()
    status_line = await asyncio.wait_for(reader.readline(), timeout=10)
    waited = time.monotonic() - started
    writer.close()
    assert status_line.split()[1] == b"408"
    assert waited < 5


async def test_connections_past_the_cap_are_refused_and_the_service_stays_up(
    service: Service,
) -> None:
    # max_connections is 60 in these tests; idle clients hold 60 connections.
    held = [
        await asyncio.open_connection(service.server.host, service.server.port) for _ in range(60)
    ]
    try:
        reader, writer = await asyncio.open_connection(service.server.host, service.server.port)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        # Aborted at once: a failed connection, which Twilio retries by default.
        try:
            answer = await asyncio.wait_for(reader.read(), timeout=5)
        except ConnectionResetError:
            answer = b""
        assert answer == b""
        writer.close()
    finally:
        for _, w in held:
            w.close()
    await asyncio.sleep(0.2)
    response = await service.session.get(service.server.make_url("/healthz"))
    assert response.status == 200

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from minkops.logs import configure_logging, get_logger, mask_phone


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    out = io.StringIO()
    configure_logging("json", "info", out)
    yield out
    structlog.reset_defaults()
    logging.getLogger().handlers.clear()


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_mask_phone_keeps_country_and_last_two() -> None:
    assert mask_phone("+34600000001") == "+34*******01"


def test_phone_numbers_are_masked_anywhere_in_an_event(stream: io.StringIO) -> None:
    get_logger("t").info(
        "inbound.accepted",
        sender="whatsapp:+34600123456",
        note="call +44 7700 900123 now",
        org_id=12,
    )
    (event,) = lines(stream)
    assert event["sender"] == "whatsapp:+34*******56"
    assert "7700 900123" not in str(event["note"])
    assert event["org_id"] == 12 and event["event"] == "inbound.accepted"


def test_url_encoded_numbers_are_masked(stream: io.StringIO) -> None:
    get_logger("t").info("x", url="/Messages.json?To=whatsapp%3A%2B34600123456&PageSize=50")
    logged = str(lines(stream)[0]["url"])
    assert "34600123456" not in logged and "PageSize=50" in logged


def test_ids_are_not_mistaken_for_phones(stream: io.StringIO) -> None:
    get_logger("t").info("x", message_sid="SM1234567890abcdef1234567890abcdef")
    assert lines(stream)[0]["message_sid"] == "SM1234567890abcdef1234567890abcdef"


def test_debug_is_off_at_info(stream: io.StringIO) -> None:
    get_logger("t").debug("inbound.text", text="secret recipe")
    assert "secret recipe" not in stream.getvalue()


def test_tracebacks_have_no_locals(stream: io.StringIO) -> None:
    def fail(phone: str) -> None:
        secret_token = "tok_live_123"  # noqa: F841 - a local that must not be rendered
        raise ValueError("boom")

    try:
        fail("+34600123456")
    except ValueError:
        get_logger("t").exception("handler.failed")
    raw = stream.getvalue()
    assert "tok_live_123" not in raw and "+34600123456" not in raw
    assert lines(stream)[0]["exception"][0]["exc_type"] == "ValueError"  # type: ignore[index]


def test_stdlib_records_share_the_format(stream: io.StringIO) -> None:
    logging.getLogger("aiohttp.server").warning("peer +34600123456 went away")
    (event,) = lines(stream)
    assert event["logger"] == "aiohttp.server" and "+34600123456" not in str(event["event"])

"""Fixtures for the Twilio stand-in's tests: a running stand-in, the real SDK pointed at it,
and a webhook receiver (``twilio_support.Receiver``).

(The OpenAI stand-in's tests define their own ``server`` and ``client``, which take precedence
in that module.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from minkops.sandbox.twilio_api import TwilioStandIn, TwilioStandInThread
from minkops.twilio_client import make_twilio_client
from tests.sandbox.twilio_support import SID, TOKEN, FakeClock, Receiver, ReceiverThread


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def options() -> dict[str, Any]:
    """The stand-in's constructor options. Most tests post no inbound message first, so the
    24-hour window (on by default) is off here; tests of the window override this fixture."""
    return {"whatsapp_window": False}


@pytest.fixture
def server(clock: FakeClock, options: dict[str, Any]) -> Iterator[TwilioStandInThread]:
    with TwilioStandInThread(TwilioStandIn(SID, TOKEN, clock=clock, **options)) as running:
        yield running


@pytest.fixture
def standin(server: TwilioStandInThread) -> TwilioStandIn:
    return server.stand_in


@pytest.fixture
def client(server: TwilioStandInThread) -> Iterator[Any]:
    twilio = make_twilio_client(SID, TOKEN, server.base_url)
    yield twilio
    twilio.http_client._inner.session.close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = ReceiverThread()
    yield running.start()
    running.stop()

"""An org actor whose activation fails once (its state load raises the first time) is
started again by the directory; the message is answered exactly once, without anyone
restarting the service or writing again."""

from __future__ import annotations

from typing import Any

import pytest

from minkops.store import activation
from tests.http.conftest import OWNER, Service, inbound


async def test_an_org_actor_that_fails_to_start_once_still_answers_once(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = activation.load_org
    calls = {"n": 0}

    async def flaky(connection: Any, org_id: int) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionResetError("the database went away during activation")
        return await real(connection, org_id)

    monkeypatch.setattr(activation, "load_org", flaky)
    forms = [inbound(f"SM{n:032x}", OWNER, "tareas") for n in range(1, 4)]
    for form in forms:
        assert (await service.post(form)).status == 200
    await service.settled(timeout=20)
    replies = service.sent_to(OWNER)
    metrics = await (await service.session.get(service.server.make_url("/metrics"))).text()
    print(f"\nactor failed once: acknowledged={len(forms)} replied={len(replies)}")
    assert calls["n"] >= 2  # it did fail, and was started again
    assert "minkops_org_actor_restarts_total 1.0" in metrics
    assert len(replies) == len(forms)

"""A reminder set by chat fires through the actor tree (scheduler → directory → org actor),
and an org actor that fired passivates when idle like any other."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from minkops.actors.messages import Housekeeping
from minkops.http.keys import ACTORS
from tests.actors.test_org_flow import ANA, System, reads_in_org_actor, system, twilio

__all__ = ["reads_in_org_actor", "system", "twilio"]


async def passivated(system: System) -> bool:
    system.server.app[ACTORS].directory.tell(Housekeeping())
    for _ in range(200):
        if await system.live_orgs() == 0:
            return True
        await asyncio.sleep(0.02)
    return False


# A reminder written behind the scheduler's back is seen within max_sleep_seconds.
@pytest.mark.parametrize("system", ["[reminders]\nmax_sleep_seconds = 0.5\n"], indirect=True)
async def test_a_reminder_fires_through_the_tree_and_the_org_actor_then_passivates(
    system: System,
) -> None:
    await system.send(ANA, "recuérdame en 1 minuto revisar el horno")
    (confirmation,) = await system.replies(ANA, 1)
    assert "Recordatorio #1" in confirmation.body
    assert await passivated(system)
    connection = await asyncpg.connect(system.database_url)
    try:  # due now rather than in a minute
        await connection.execute("UPDATE reminders SET next_fire_at = now(), once_at = now()")
    finally:
        await connection.close()
    _, fired = await system.replies(ANA, 2)  # the scheduler activates the org to fire
    assert fired.body == "⏰ Recordatorio: revisar el horno"
    assert await passivated(system), "the org actor that fired was not passivated"

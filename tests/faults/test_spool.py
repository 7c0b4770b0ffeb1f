"""The local spool: durable when append returns, drained oldest first, kept on failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from minkops.store.spool import Spool, Spooled


async def test_spooled_forms_survive_a_restart_and_drain_in_order(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    spool.load()
    for n in range(5):
        await spool.append("inbound", {"MessageSid": f"SM{n}"})
    with (tmp_path / "spool" / "webhooks.jsonl").open("a") as file:
        file.write('{"kind": "inbound", "form": {"Mess')  # torn: the process died mid-write

    again = Spool(tmp_path / "spool")  # a new process
    again.load()
    assert again.depth == 5
    stored: list[str] = []

    async def store(entry: Spooled) -> None:
        if entry.form["MessageSid"] == "SM3" and "SM3" not in stored:
            stored.append("SM3")
            raise ConnectionRefusedError  # the database went away again
        stored.append(entry.form["MessageSid"])

    with pytest.raises(ConnectionRefusedError):
        await again.drain(store)
    assert again.depth == 2  # SM3 and SM4 kept, in order
    assert await again.drain(store) == 2
    assert stored == ["SM0", "SM1", "SM2", "SM3", "SM3", "SM4"]
    assert again.depth == 0
    third = Spool(tmp_path / "spool")
    third.load()
    assert third.depth == 0

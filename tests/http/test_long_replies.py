"""Finding 4: a reply over 1,600 characters was refused by Twilio (21617) and never arrived."""

from __future__ import annotations

import re

import asyncpg

from tests.http.conftest import OWNER, Service, inbound


async def test_the_longest_task_list_arrives_in_numbered_parts(service: Service) -> None:
    # The longest list the product can produce: many open tasks with titles at the 500-char cap.
    connection = await asyncpg.connect(service.database_url)
    try:
        await connection.execute(
            "INSERT INTO tasks (org_id, number, title)"
            " SELECT $1, n, repeat('Limpiar la cámara frigorífica ', 16) || n"
            " FROM generate_series(1, 40) n",
            service.org_id,
        )
    finally:
        await connection.close()
    response = await service.post(inbound("SM" + "a" * 32, OWNER, "tareas"))
    assert response.status == 200
    await service.settled(timeout=30)
    parts = service.sent_to(OWNER)
    assert len(parts) > 1
    assert all(len(part.body) <= 1600 for part in parts)
    assert all(part.status != "failed" for part in parts)
    # Twilio does not promise order; the numbers do.
    numbered = sorted(parts, key=lambda p: int(re.match(r"\((\d+)/", p.body)[1]))  # type: ignore[index]
    text = "\n".join(re.sub(r"^\(\d+/\d+\) ", "", p.body) for p in numbered)
    # The list shows its first 20 (the product's page) and says how many more there are.
    for n in range(1, 21):
        assert re.search(rf"cámara frigorífica {n}\b", text), n
    assert "20" in text.splitlines()[-1]

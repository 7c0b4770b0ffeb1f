"""The daily digest and overdue escalation in the domain: set by chat, what a digest says and
when it says nothing, DST, and each escalation step once. Time is passed in, never read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from minkops.domain import effects as fx
from minkops.domain import intents as i
from minkops.domain.digest import (
    Digest,
    EscalatingTask,
    fire_digests,
    fire_escalations,
    next_digest,
)
from minkops.domain.handlers import unbuilt_kinds
from minkops.domain.models import Member, Task
from tests.domain.rules_support import understand
from tests.domain.test_handlers import ANA, JUAN, NOW, SAM, bodies, of, run, state

DELAY = timedelta(hours=2)
LUC = Member(9, 7, "Lucie Martin", "+33600000009", "admin", "fr", "text")


def task(number: int, title: str, assignee: Member | None, due: datetime | None = None) -> Task:
    return Task(7, number, title, assignee.id if assignee else None, ANA.id, due)


# --- set by chat ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "setting", "enabled", "hour"),
    [
        ("send me a daily digest at 7", "en", "digest", True, 7),
        ("resumen diario a las 7", "es", "digest", True, 7),
        ("turn off the digest", "en", "digest", False, None),
        ("turn on overdue alerts", "en", "escalation", True, None),
        ("activa avisos de atrasadas", "es", "escalation", True, None),
        ("desactiva el escalado", "es", "escalation", False, None),
    ],
)
def test_the_chat_words_read_as_the_preference(
    text: str, language: str, setting: str, enabled: bool, hour: int | None
) -> None:
    intent = understand(text, language=language).intent
    assert isinstance(intent, i.SetPreference)
    assert (intent.setting, intent.enabled, intent.hour) == (setting, enabled, hour)


def test_avisa_si_una_tarea_se_retrasa_reads_as_escalation() -> None:
    # It used to read as a reminder for oneself; the grammar now reads it as escalation.
    intent = understand("avisa si una tarea se retrasa", language="es").intent
    assert isinstance(intent, i.SetPreference)
    assert (intent.setting, intent.enabled) == ("escalation", True)


def test_an_admin_sets_a_digest_at_an_org_local_hour_and_turns_it_off() -> None:
    assert "set_preference" not in unbuilt_kinds()
    outcome = run(state(), ANA, i.SetPreference(setting="digest", enabled=True, hour=7))
    (effect,) = of(outcome, fx.SetDigest)
    # NOW is Tuesday 11:00 in Madrid (CET, UTC+1): the next 07:00 is tomorrow, 06:00 UTC.
    assert (effect.member_id, effect.hour) == (ANA.id, 7)
    assert effect.next_fire_at == datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
    (reply,) = bodies(outcome, ANA)
    assert "mañana 7:00" in reply and "resumen" in reply
    off = run(state(), ANA, i.SetPreference(setting="digest", enabled=False))
    assert of(off, fx.SetDigest) == [fx.SetDigest(ANA.id, None, None)]


def test_escalation_is_the_organizations_and_staff_cannot_change_either() -> None:
    on = run(state(), ANA, i.SetPreference(setting="escalation", enabled=True))
    assert of(on, fx.SetEscalation) == [fx.SetEscalation(True)]
    for intent in (
        i.SetPreference(setting="escalation", enabled=False),
        i.SetPreference(setting="digest", enabled=True, hour=7),
    ):
        outcome = run(state(), JUAN, intent)
        assert not of(outcome, fx.SetEscalation) and not of(outcome, fx.SetDigest)
        assert "administradores" in bodies(outcome, JUAN)[0]


def test_the_digest_hour_keeps_to_the_org_wall_clock_across_dst() -> None:
    # Madrid springs forward on 2026-03-29 at 02:00: 02:00 that day does not exist.
    before = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
    assert next_digest(7, "Europe/Madrid", before) == datetime(2026, 3, 29, 5, 0, tzinfo=UTC)
    assert next_digest(2, "Europe/Madrid", before) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    # Fall back on 2026-10-25: 07:00 is UTC+1 again.
    autumn = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)
    assert next_digest(7, "Europe/Madrid", autumn) == datetime(2026, 10, 25, 6, 0, tzinfo=UTC)


# --- what the digest says -------------------------------------------------------------------


def due_digest(member: Member = ANA, **changes: object) -> Digest:
    return Digest(member.id, 11, NOW, **changes)  # type: ignore[arg-type]


def test_the_digest_lists_done_today_overdue_and_open_in_the_admins_language() -> None:
    overdue = task(1, "limpiar la nevera", JUAN, NOW - timedelta(hours=3))
    later = task(2, "inventario", SAM, NOW + timedelta(days=1))
    done = task(3, "abrir la tienda", JUAN)
    s = state(overdue, later, members=(ANA, JUAN, SAM, LUC))
    effects = fire_digests(s, [due_digest(), due_digest(LUC)], [done], NOW)
    (spanish,) = [e for e in effects if isinstance(e, fx.Send) and e.to == ANA.phone]
    lines = spanish.body.split("\n")
    assert lines[0] == "📋 Hoy en Café Uno"
    assert lines[1:] == [
        "✅ Hecho hoy: 1",
        "#3 abrir la tienda (Juan)",
        "⚠️ Atrasadas: 1",
        "#1 limpiar la nevera (Juan, hoy 8:00)",
        "📌 Pendientes: 1",
        "#2 inventario (Sam, mañana 11:00)",
    ]
    (french,) = [e for e in effects if isinstance(e, fx.Send) and e.to == LUC.phone]
    assert french.body.startswith("📋 Aujourd'hui chez Café Uno\n✅ Fait aujourd'hui : 1")
    assert spanish.key == f"digest:7:{ANA.id}:2026-11-24" and spanish.kind == "reminder"
    fired = of_effects(effects, fx.FireDigest)
    assert [(f.member_id, f.next_fire_at) for f in fired] == [
        (ANA.id, datetime(2026, 11, 25, 10, 0, tzinfo=UTC)),
        (LUC.id, datetime(2026, 11, 25, 10, 0, tzinfo=UTC)),
    ]


def of_effects(effects: list[fx.Effect], kind: type[fx.Effect]) -> list[fx.Effect]:
    return [e for e in effects if isinstance(e, kind)]


def test_an_empty_digest_is_skipped_but_still_moves_on() -> None:
    effects = fire_digests(state(), [due_digest()], [], NOW)
    assert of_effects(effects, fx.Send) == []
    assert of_effects(effects, fx.FireDigest) == [
        fx.FireDigest(ANA.id, NOW.date(), datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    ]


def test_a_days_digest_goes_once_and_not_before_it_is_due() -> None:
    s = state(task(1, "inventario", SAM))
    already = fire_digests(s, [due_digest(last_date=NOW.date())], [], NOW)
    assert of_effects(already, fx.Send) == [] and len(of_effects(already, fx.FireDigest)) == 1
    early = fire_digests(s, [due_digest()], [], NOW - timedelta(minutes=1))
    assert early == []


def test_someone_no_longer_an_admin_loses_the_digest() -> None:
    effects = fire_digests(state(task(1, "x", SAM)), [due_digest(JUAN)], [], NOW)
    assert effects == [fx.SetDigest(JUAN.id, None, None)]


# --- escalation ---------------------------------------------------------------------------------


def test_escalation_nudges_the_assignee_once_then_tells_the_creator_once() -> None:
    due_at = NOW - timedelta(minutes=1)
    overdue = task(4, "sacar la basura", SAM, due_at)
    s = state(overdue)

    first = fire_escalations(s, [EscalatingTask(overdue, None, None)], DELAY, NOW)
    (nudge,) = of_effects(first, fx.Send)
    assert isinstance(nudge, fx.Send) and nudge.to == SAM.phone  # Sam reads English
    assert (
        nudge.body
        == '⏰ Task #4 "sacar la basura" was due today 10:59. Write "done 4" when it\'s finished.'
    )
    assert of_effects(first, fx.EscalateTask) == [fx.EscalateTask(4, NOW, None, NOW + DELAY)]

    later = NOW + DELAY
    second = fire_escalations(s, [EscalatingTask(overdue, NOW, None)], DELAY, later)
    (told,) = of_effects(second, fx.Send)
    assert isinstance(told, fx.Send) and told.to == ANA.phone
    assert "#4" in told.body and "Sam" in told.body and "sigue pendiente" in told.body
    assert of_effects(second, fx.EscalateTask) == [fx.EscalateTask(4, NOW, later, None)]

    # Replayed after both steps (a crash, a retried wake-up): nothing more is said.
    third = fire_escalations(s, [EscalatingTask(overdue, NOW, later)], DELAY, later)
    assert of_effects(third, fx.Send) == []
    assert nudge.key != told.key


def test_a_task_done_meanwhile_or_given_by_its_own_assignee_tells_nobody() -> None:
    done = Task(7, 5, "x", SAM.id, ANA.id, NOW - timedelta(hours=3), status="done")
    assert (
        of_effects(
            fire_escalations(state(), [EscalatingTask(done, NOW, None)], DELAY, NOW), fx.Send
        )
        == []
    )
    own = Task(7, 6, "y", JUAN.id, JUAN.id, NOW - timedelta(hours=3))
    step = fire_escalations(state(own), [EscalatingTask(own, NOW - DELAY, None)], DELAY, NOW)
    assert of_effects(step, fx.Send) == []
    assert of_effects(step, fx.EscalateTask) == [fx.EscalateTask(6, NOW - DELAY, NOW, None)]

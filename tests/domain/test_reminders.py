"""Reminders in the domain: set, list, pause, resume, cancel, and firing (DST, downtime)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from minkops.domain import effects as fx
from minkops.domain import intents as i
from minkops.domain.firing import fire_due
from minkops.domain.handlers import unbuilt_kinds
from minkops.domain.models import Member, Organization
from minkops.domain.reminders import Reminder, due_occurrence
from minkops.domain.state import OrgState
from tests.domain.test_handlers import ANA, JUAN, NOW, ORG, SAM, bodies, of, run

PEDRO = Member(5, 7, "Pedro Gil", "+34600000005", "staff", "pt", "voice")


def state(*reminders: Reminder, members: tuple[Member, ...] = (ANA, JUAN, SAM, PEDRO)) -> OrgState:
    last = max([0, *(r.number for r in reminders)])
    return OrgState(ORG, members, (), 1, reminders=reminders, next_reminder_number=last + 1)


def created(s: OrgState, sender: Member, intent: i.CreateReminder) -> Reminder:
    (effect,) = of(run(s, sender, intent), fx.CreateReminder)
    return effect.reminder


def test_reminder_kinds_are_built() -> None:
    kinds = {"create_reminder", "list_reminders", "cancel_reminder", "pause_reminder"}
    assert not kinds & set(unbuilt_kinds()) and "resume_reminder" not in unbuilt_kinds()


def test_remind_me_in_ten_minutes_is_a_one_off_for_the_sender() -> None:
    at = NOW + timedelta(minutes=10)
    outcome = run(state(), JUAN, i.CreateReminder(text="sacar el pan", recipients=["me"], at=at))
    (effect,) = of(outcome, fx.CreateReminder)
    r = effect.reminder
    assert (r.number, r.recipient_ids, r.once_at, r.next_fire_at) == (1, (JUAN.id,), at, at)
    assert r.language == "es" and r.created_by == JUAN.id
    (reply,) = bodies(outcome, JUAN)
    assert "#1" in reply and "sacar el pan" in reply and "hoy 11:10" in reply


def test_every_monday_at_8_for_everyone_stores_the_next_monday_in_utc() -> None:
    intent = i.CreateReminder(text="inventario", recipients=["everyone"], cron="0 8 * * 1")
    r = created(state(), ANA, intent)
    # NOW is Tuesday 2026-11-24; next Monday 08:00 Madrid (CET) is 07:00 UTC.
    assert r.everyone and r.next_fire_at == datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


def test_staff_cannot_remind_others_and_nothing_is_asked_without_a_time() -> None:
    outcome = run(
        state(), JUAN, i.CreateReminder(text="x", recipients=["Sam"], at=NOW + timedelta(hours=1))
    )
    assert not of(outcome, fx.CreateReminder) and "administradores" in bodies(outcome, JUAN)[0]
    asked = run(state(), ANA, i.CreateReminder(text="x", recipients=["me"]))
    assert asked.question is not None and asked.question.field == "at"
    past = run(
        state(), ANA, i.CreateReminder(text="x", recipients=["me"], at=NOW - timedelta(minutes=1))
    )
    assert not of(past, fx.CreateReminder)


def reminder(number: int = 1, **changes: object) -> Reminder:
    base = Reminder(
        org_id=7, number=number, text=f"reminder {number}", recipient_ids=(SAM.id,),
        everyone=False, created_by=ANA.id, language="es", cron="0 8 * * *", once_at=None,
        next_fire_at=datetime(2026, 11, 25, 7, 0, tzinfo=UTC),
    )  # fmt: skip
    return replace(base, **changes)  # type: ignore[arg-type]


def test_list_shows_next_time_in_the_org_timezone_and_pause_resume_cancel() -> None:
    s = state(reminder(1), reminder(2, text="limpiar nevera"))
    (listing,) = bodies(run(s, ANA, i.ListReminders()), ANA)
    assert "#1" in listing and "mañana 8:00" in listing and "limpiar nevera" in listing
    (paused,) = of(run(s, ANA, i.PauseReminder(number=1)), fx.ChangeReminder)
    assert paused.reminder.status == "paused" and paused.reminder.next_fire_at is None
    s2 = paused.apply(s)
    (resumed,) = of(run(s2, ANA, i.ResumeReminder(number=1)), fx.ChangeReminder)
    assert resumed.reminder.status == "active"
    assert resumed.reminder.next_fire_at == datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
    (cancelled,) = of(run(s, ANA, i.CancelReminder(description="nevera")), fx.ChangeReminder)
    assert cancelled.reminder.number == 2 and cancelled.reminder.status == "cancelled"
    assert [r.number for r in cancelled.apply(s).reminders] == [1]


def test_one_persons_reminders_are_headed_with_their_name_or_say_they_have_none() -> None:
    s = state(reminder(1), reminder(2, recipient_ids=(JUAN.id,)))
    (sams,) = bodies(run(s, ANA, i.ListReminders(person="Sam")), ANA)
    assert sams.splitlines()[0] == "⏰ Recordatorios de Sam Taylor:"
    assert "#1" in sams and "#2" not in sams
    (pedros,) = bodies(run(s, ANA, i.ListReminders(person="Pedro")), ANA)
    assert pedros == "Pedro Gil no tiene recordatorios."


def test_staff_cannot_cancel_an_admins_reminder() -> None:
    outcome = run(state(reminder(1)), SAM, i.CancelReminder(number=1), language="en")
    assert not of(outcome, fx.ChangeReminder)


def moved(s: OrgState, intent: i.EditReminder, sender: Member = ANA) -> Reminder:
    (effect,) = of(run(s, sender, intent), fx.ChangeReminder)
    return effect.reminder


def test_a_one_off_reminder_moves_to_its_new_time() -> None:
    at = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)
    once = reminder(1, cron=None, once_at=NOW + timedelta(hours=2))
    r = moved(state(once), i.EditReminder(number=1, at=at))
    assert (r.once_at, r.next_fire_at, r.cron) == (at, at, None)
    past = run(state(once), ANA, i.EditReminder(number=1, at=NOW - timedelta(minutes=5)))
    assert not of(past, fx.ChangeReminder) and "ya pasó" in bodies(past, ANA)[0]


def test_a_recurring_reminder_keeps_its_days_and_takes_the_new_time_of_day() -> None:
    # NOW is Tuesday 2026-11-24 11:00 in Madrid; "at 9:30" is tomorrow 9:30.
    daily = reminder(1, cron="0 8 * * *")
    r = moved(state(daily), i.EditReminder(number=1, at=datetime(2026, 11, 25, 8, 30, tzinfo=UTC)))
    assert r.cron == "30 9 * * *" and r.next_fire_at == datetime(2026, 11, 25, 8, 30, tzinfo=UTC)
    # A weekly one moved to a day named (Friday 27th at 10:00 Madrid) takes that weekday.
    weekly = reminder(2, cron="0 8 * * 1")
    friday = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    assert moved(state(weekly), i.EditReminder(number=2, at=friday)).cron == "0 10 * * 5"


def test_a_new_schedule_replaces_the_old_and_a_paused_reminder_stays_paused() -> None:
    paused = reminder(1, status="paused", next_fire_at=None)
    r = moved(state(paused), i.EditReminder(number=1, cron="0 7 * * 1-5"))
    assert (r.cron, r.status, r.next_fire_at) == ("0 7 * * 1-5", "paused", None)


def test_a_reminder_to_move_is_found_by_its_words_and_only_its_owner_or_an_admin_moves_it() -> None:
    s = state(reminder(1), reminder(2, text="limpiar nevera"))
    r = moved(s, i.EditReminder(description="nevera", cron="0 9 * * *"))
    assert (r.number, r.cron) == (2, "0 9 * * *")
    refused = run(s, SAM, i.EditReminder(number=2, cron="0 9 * * *"), language="en")
    assert not of(refused, fx.ChangeReminder)
    asked = run(s, ANA, i.EditReminder(number=2))
    assert asked.question is not None and asked.question.field == "at"


# --- firing ---------------------------------------------------------------------------------


def test_a_reminder_fires_in_each_recipients_language_spoken_for_voice_delivery() -> None:
    r = reminder(1, everyone=True, recipient_ids=())
    due = r.next_fire_at
    assert due is not None
    effects = fire_due(state(r), [r], due + timedelta(seconds=3))
    sends = {s.to: s for s in effects if isinstance(s, fx.Send)}
    assert sends[SAM.phone].body == "⏰ Reminder from Ana: reminder 1"
    assert sends[PEDRO.phone].body == "⏰ Lembrete de Ana: reminder 1"
    assert sends[PEDRO.phone].speak and not sends[SAM.phone].speak
    assert ANA.phone in sends and sends[ANA.phone].body == "⏰ Recordatorio: reminder 1"
    assert all(s.kind == "reminder" for s in sends.values())
    (fired,) = [e for e in effects if isinstance(e, fx.FireReminder)]
    assert fired.occurrence.key == "2026-11-25T08:00" and not fired.occurrence.late
    assert fired.reminder.next_fire_at == datetime(2026, 11, 26, 7, 0, tzinfo=UTC)


def test_nothing_fires_before_it_is_due() -> None:
    r = reminder(1)
    assert r.next_fire_at is not None
    assert fire_due(state(r), [r], r.next_fire_at - timedelta(seconds=1)) == []


def test_after_downtime_a_one_off_fires_late_once_and_is_done() -> None:
    at = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
    r = reminder(1, cron=None, once_at=at, next_fire_at=at)
    effects = fire_due(state(r), [r], at + timedelta(hours=3))
    (send,) = [e for e in effects if isinstance(e, fx.Send)]
    assert "late" in send.body
    (fired,) = [e for e in effects if isinstance(e, fx.FireReminder)]
    assert fired.occurrence.late and fired.reminder.status == "done"
    assert fired.reminder.next_fire_at is None


def test_after_downtime_a_recurring_reminder_fires_once_then_continues() -> None:
    r = reminder(1)  # daily 08:00 Madrid, due 2026-11-25 07:00 UTC
    now = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)  # three days later
    effects = fire_due(state(r), [r], now)
    assert len([e for e in effects if isinstance(e, fx.Send)]) == 1
    (fired,) = [e for e in effects if isinstance(e, fx.FireReminder)]
    assert fired.occurrence.key == "2026-11-28T08:00" and fired.occurrence.late
    assert fired.reminder.next_fire_at == datetime(2026, 11, 29, 7, 0, tzinfo=UTC)


def _fire_days(timezone: str, cron: str, start: datetime, days: int) -> list[datetime]:
    """Drive a reminder with an injected clock, minute by minute over `days`: its firings."""
    org = Organization(7, "x", timezone, "en", "free", "active")
    r = reminder(1, cron=cron, next_fire_at=None)
    from minkops.domain.reminders import first_fire

    r = replace(r, next_fire_at=first_fire(r, timezone, start))
    s = OrgState(org, (ANA, SAM), (), 1, reminders=(r,), next_reminder_number=2)
    fired: list[datetime] = []
    keys: set[str] = set()
    now = start
    while now < start + timedelta(days=days):
        now += timedelta(minutes=1)
        for effect in fire_due(s, [r], now):
            if isinstance(effect, fx.FireReminder):
                assert effect.occurrence.key not in keys
                keys.add(effect.occurrence.key)
                fired.append(now)
                r = effect.reminder
    return fired


@pytest.mark.parametrize(
    ("timezone", "cron", "start", "expected_utc"),
    [
        # Madrid spring-forward 2025-03-30: 02:30 does not exist, fires at 03:00 CEST (01:00 UTC).
        ("Europe/Madrid", "30 2 * * *", datetime(2025, 3, 28, 12, tzinfo=UTC),
         ["2025-03-29T01:30", "2025-03-30T01:00", "2025-03-31T00:30"]),
        # Madrid fall-back 2025-10-26: 02:30 happens twice, fires once (00:30 UTC).
        ("Europe/Madrid", "30 2 * * *", datetime(2025, 10, 24, 12, tzinfo=UTC),
         ["2025-10-25T00:30", "2025-10-26T00:30", "2025-10-27T01:30"]),
        # New York spring-forward 2025-03-09: 02:30 fires at 03:00 EDT (07:00 UTC).
        ("America/New_York", "30 2 * * *", datetime(2025, 3, 7, 17, tzinfo=UTC),
         ["2025-03-08T07:30", "2025-03-09T07:00", "2025-03-10T06:30"]),
        # New York fall-back 2025-11-02: 01:30 twice, fires once (05:30 UTC).
        ("America/New_York", "30 1 * * *", datetime(2025, 10, 31, 17, tzinfo=UTC),
         ["2025-11-01T05:30", "2025-11-02T05:30", "2025-11-03T06:30"]),
    ],
)  # fmt: skip
def test_a_daily_reminder_fires_once_per_day_across_dst(
    timezone: str, cron: str, start: datetime, expected_utc: list[str]
) -> None:
    fired = _fire_days(timezone, cron, start, 3)
    assert [f.strftime("%Y-%m-%dT%H:%M") for f in fired] == expected_utc


def test_paused_reminders_are_not_due() -> None:
    r = reminder(1, status="paused")
    assert due_occurrence(r, "Europe/Madrid", NOW + timedelta(days=9)) is None


def test_tapping_listen_brings_what_came_as_templates_and_says_nothing_else() -> None:
    from minkops.domain.acting import act
    from minkops.domain.inbound import InboundMessage

    message = InboundMessage("SMtap", SAM.phone, "Listen", button_payload="listen")
    understood = i.Understood(language="en", intent=i.Unknown())
    outcome = act(state(), SAM, None, message, "Listen", understood, NOW)
    (follow,) = of(outcome, fx.FollowTemplates)
    assert (follow.phone, follow.key) == (SAM.phone, "SMtap") and not outcome.sends()


def test_task_notices_to_a_voice_member_are_spoken_replies_are_not() -> None:
    outcome = run(state(), ANA, i.CreateTask(title="limpiar la nevera", assignees=["Pedro"]))
    to_ana, to_pedro = outcome.sends()
    assert to_pedro.to == PEDRO.phone and to_pedro.kind == "notice" and to_pedro.speak
    assert to_ana.kind == "reply" and not to_ana.speak
    assert "limpiar la nevera" in to_pedro.body and to_pedro.body.startswith("📋")

"""The author's words in the recipient's language: picked from what came with the message
(task notices) or what was stored with the reminder (firing). Pure; no OpenAI here."""

from __future__ import annotations

from datetime import timedelta

from minkops.domain import effects as fx
from minkops.domain import intents as i
from minkops.domain.acting import act
from minkops.domain.firing import fire_due
from minkops.domain.handlers.base import Outcome
from minkops.domain.inbound import InboundMessage
from minkops.domain.models import Member
from minkops.domain.translation import Translations
from tests.domain.test_handlers import ANA, JUAN, NOW, SAM, bodies, of
from tests.domain.test_handlers import state as task_state
from tests.domain.test_reminders import reminder
from tests.domain.test_reminders import state as reminder_state

JOHN = Member(6, 7, "John Smith", "+447700900006", "staff", "en", "voice")
TRANSLATED: Translations = {"limpiar la nevera": {"en": "clean the fridge"}}


def run(s: object, intent: i.Intent, translations: Translations) -> Outcome:
    message = InboundMessage("SM1", ANA.phone, "")
    understood = i.Understood(language="es", intent=intent)
    return act(s, ANA, None, message, "", understood, NOW, translations=translations)  # type: ignore[arg-type]


def test_a_task_notice_carries_the_translated_title_and_is_spoken() -> None:
    s = task_state(members=(ANA, JUAN, SAM, JOHN))
    intent = i.CreateTask(title="limpiar la nevera", assignees=["John", "Juan"])
    outcome = run(s, intent, TRANSLATED)
    (notice,) = [x for x in outcome.sends() if x.to == JOHN.phone]
    assert "clean the fridge" in notice.body and "limpiar" not in notice.body
    assert notice.kind == "notice" and notice.speak  # the voice note speaks this body
    # Juan reads Spanish, as Ana wrote: the words as written; Ana's own reply too.
    (juan,) = bodies(outcome, JUAN)
    assert "limpiar la nevera" in juan
    assert "limpiar la nevera" in bodies(outcome, ANA)[0]
    # The task itself keeps the words as written.
    assert {e.task.title for e in of(outcome, fx.CreateTask)} == {"limpiar la nevera"}


def test_without_a_translation_the_notice_quotes_the_words_as_written() -> None:
    s = task_state(members=(ANA, JOHN))
    outcome = run(s, i.CreateTask(title="limpiar la nevera", assignees=["John"]), {})
    (notice,) = bodies(outcome, JOHN)
    assert notice.startswith("📋 New task #1 from Ana: limpiar la nevera")


def test_a_new_reminder_stores_the_translations_it_came_with() -> None:
    s = reminder_state(members=(ANA, JOHN))
    intent = i.CreateReminder(text="limpiar la nevera", recipients=["John"], cron="0 8 * * 1")
    outcome = run(s, intent, TRANSLATED)
    (effect,) = of(outcome, fx.CreateReminder)
    assert effect.reminder.language == "es"
    assert dict(effect.reminder.translations) == {"en": "clean the fridge"}


def test_firing_uses_the_stored_translation_per_recipient_language() -> None:
    r = reminder(
        1,
        text="revisar el horno",
        everyone=True,
        recipient_ids=(),
        translations={"fr": "vérifier le four"},
    )
    marie = Member(8, 7, "Marie Dubois", "+33600000008", "staff", "fr", "voice")
    due = r.next_fire_at
    assert due is not None
    effects = fire_due(
        reminder_state(r, members=(ANA, SAM, marie)), [r], due + timedelta(seconds=1)
    )
    sends = {x.to: x for x in effects if isinstance(x, fx.Send)}
    assert sends[marie.phone].body == "⏰ Rappel de Ana : vérifier le four"
    assert sends[marie.phone].speak
    # No English translation stored: quoted as written. The author's language: as written.
    assert sends[SAM.phone].body == "⏰ Reminder from Ana: revisar el horno"
    assert sends[ANA.phone].body == "⏰ Recordatorio: revisar el horno"

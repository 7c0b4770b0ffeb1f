"""WhatsApp's 24-hour window: how one outbox row goes out. The one place this rule lives.

Free-form messages (text, or a voice note with its text line) reach a person only within 24
hours of the last message *they* sent. Outside it only an approved template goes: the row's
text rides as the template's variable, whatever the row's kind (reply, notice, reminder,
announcement, or any kind added later; `minkops.templates` maps kinds to templates). A row
already failed by Twilio with 63016 (Twilio enforces the window asynchronously) is queued
again with `as_template`, and then goes as a template whatever we believed of the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

WINDOW = timedelta(hours=24)
OUTSIDE_WINDOW = 63016  # Twilio's error code, reported in the status callback


@dataclass(frozen=True)
class FreeForm:
    """A plain message; `speech`, when set, is also sent as a voice note."""

    speech: str | None = None


@dataclass(frozen=True)
class AsTemplate:
    kind: str


Plan = FreeForm | AsTemplate


def in_window(last_inbound: datetime | None, now: datetime) -> bool:
    return last_inbound is not None and now - last_inbound < WINDOW


def plan(
    *,
    kind: str,
    as_template: bool,
    speech: str | None,
    last_inbound: datetime | None,
    now: datetime,
    templates_enabled: bool = True,
) -> Plan:
    if templates_enabled and (as_template or not in_window(last_inbound, now)):
        return AsTemplate(kind)
    return FreeForm(speech)

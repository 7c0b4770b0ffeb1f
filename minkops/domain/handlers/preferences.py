"""The daily digest and overdue escalation, on or off by chat: admins only (domain/policy.py).

"send me a daily digest at 7" sets the sender's own digest at that org-local hour; "turn off
the digest" ends it. Escalation is the organization's: "turn on overdue alerts". Firing
them is `minkops.domain.digest`, driven by the reminder scheduler.
"""

from __future__ import annotations

from minkops.domain import effects as fx
from minkops.domain import intents as i
from minkops.domain.digest import next_digest
from minkops.domain.handlers.base import Act, Outcome, Turn
from minkops.domain.handlers.registry import handles
from minkops.domain.policy import Action, allowed
from minkops.domain.replies import format_when

DEFAULT_DIGEST_HOUR = 8  # "send me a daily digest" with no hour


@handles(i.SetPreference)
def set_preference(turn: Turn, intent: i.SetPreference) -> Outcome:
    act, sender, org = Act(turn), turn.sender, turn.state.org
    if not allowed(Action.CHANGE_SETTINGS, sender):
        return act.reply("settings_admin_only")
    if intent.setting == "escalation":
        act.add(fx.SetEscalation(intent.enabled))
        return act.reply("escalation_on" if intent.enabled else "escalation_off")
    if not intent.enabled:
        act.add(fx.SetDigest(sender.id, None, None))
        return act.reply("digest_off")
    hour = DEFAULT_DIGEST_HOUR if intent.hour is None else intent.hour
    if not 0 <= hour <= 23:
        return act.reply("digest_bad_hour")
    first = next_digest(hour, org.timezone, turn.now)
    act.add(fx.SetDigest(sender.id, hour, first))
    when = format_when(turn.language, first, turn.now, org.timezone, country=org.country)
    return act.reply("digest_on", when=when)

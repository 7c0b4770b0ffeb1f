"""Talk that acts on nothing: help, thanks, a yes or no with nothing asked, noise."""

from __future__ import annotations

from minkops.domain import intents as i
from minkops.domain.handlers.base import Act, Outcome, Turn, first_name
from minkops.domain.handlers.registry import handles


@handles(i.Help)
def help_(turn: Turn, intent: i.Help) -> Outcome:
    key = "help_admin" if turn.sender.is_admin else "help_staff"
    return Act(turn).reply(key, name=first_name(turn.sender), org=turn.state.org.name)


@handles(i.Acknowledge)
def acknowledge(turn: Turn, intent: i.Acknowledge) -> Outcome:
    return Act(turn).reply("acknowledged")


@handles(i.Confirm)
def confirm(turn: Turn, intent: i.Confirm) -> Outcome:
    # A yes that completes a question never gets here (see acting.py): this one answers
    # nothing, and is taken as a friendly "ok".
    return Act(turn).reply("acknowledged")


@handles(i.Decline)
def decline(turn: Turn, intent: i.Decline) -> Outcome:
    return Act(turn).reply("acknowledged")


@handles(i.Clarify)
def clarify(turn: Turn, intent: i.Clarify) -> Outcome:
    """The engine's own question back (e.g. OpenAI's "Which Juan?")."""
    return Act(turn).reply_text(intent.question)


@handles(i.Unknown)
def unknown(turn: Turn, intent: i.Unknown) -> Outcome:
    return Act(turn).reply("unknown")

"""Usage, upgrade and billing in chat: admins only (domain/policy.py).

The handlers stay pure: what needs the database (the month's usage) or Stripe (a checkout
or portal session) is an effect; the usage is read in the commit transaction, and the
Stripe session is made when the admin opens the link (GET /billing/{token}).
"""

from __future__ import annotations

from minkops.domain import intents as i
from minkops.domain.billing import BillingLink, Plan, ReplyUsage, local_day
from minkops.domain.handlers.base import Act, Outcome, Turn
from minkops.domain.handlers.registry import handles
from minkops.domain.policy import Action, allowed


def _key(turn: Turn) -> str:
    return f"{turn.message.sid}:0"


@handles(i.Usage)
def usage(turn: Turn, intent: i.Usage) -> Outcome:
    act, sender = Act(turn), turn.sender
    if not allowed(Action.SEE_USAGE, sender):
        return act.reply("admin_only")
    name = turn.state.org.plan
    act.add(
        ReplyUsage(
            _key(turn),
            sender.phone,
            sender.id,
            turn.language,
            local_day(turn.now, turn.state.org.timezone),
            Plan(name, 0, 0, 0, 0),  # a placeholder the org actor replaces with the real caps
        )
    )
    return act.done()


def _link(turn: Turn, kind: str) -> Outcome:
    act, sender = Act(turn), turn.sender
    if not allowed(Action.MANAGE_BILLING, sender):
        return act.reply("billing_admins_only")
    act.add(
        BillingLink(
            "checkout" if kind == "checkout" else "portal",
            _key(turn),
            sender.phone,
            sender.id,
            turn.language,
            turn.state.org.plan,
        )
    )
    return act.done()


@handles(i.Upgrade)
def upgrade(turn: Turn, intent: i.Upgrade) -> Outcome:
    return _link(turn, "checkout")


@handles(i.Billing)
def billing(turn: Turn, intent: i.Billing) -> Outcome:
    return _link(turn, "portal")

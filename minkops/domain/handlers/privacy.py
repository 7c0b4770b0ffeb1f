"""The privacy policy in chat: what is kept, STOP and START, export, deletion, closing the
account.

STOP is kept by the outbox gate (migration 0030): once a number's opt-out is written, no
row to it is written, whoever sends. The confirmation is said before the opt-out is
recorded, so it is the one message that still goes.
"""

from __future__ import annotations

from dataclasses import replace

from minkops.domain import effects as fx
from minkops.domain import intents as i
from minkops.domain.conversation import CONTEXT_TTL
from minkops.domain.handlers.base import Act, Outcome, Turn
from minkops.domain.handlers.registry import handles
from minkops.domain.policy import Action, allowed
from minkops.domain.privacy import new_export_token, token_hash
from minkops.domain.replies import pick_language, say


@handles(i.StopMessages)
def stop_messages(turn: Turn, intent: i.StopMessages) -> Outcome:
    act, sender = Act(turn), turn.sender
    if sender.opted_out:
        return act.done()  # already stopped: one confirmation, not one per STOP
    act.send(sender, act.say("messages_stopped"))
    act.add(fx.SetOptOut(sender.id, sender.phone, True))
    return act.done()


@handles(i.StartMessages)
def start_messages(turn: Turn, intent: i.StartMessages) -> Outcome:
    act, sender = Act(turn), turn.sender
    if sender.opted_out:
        act.add(fx.SetOptOut(sender.id, sender.phone, False))
    act.send(replace(sender, opted_out=False), act.say("messages_started"))
    return act.done()


@handles(i.PrivacyInfo)
def privacy_info(turn: Turn, intent: i.PrivacyInfo) -> Outcome:
    """ "what do you do with my data?": what is kept and for how long, from the same
    constants that keep it so, the rights in words MinkOps reads, and the whole policy."""
    act = Act(turn)
    hours = int(CONTEXT_TTL.total_seconds() // 3600)
    return act.reply(
        "privacy_info",
        org=turn.state.org.name,
        hours=hours,
        days=turn.links.termination_grace.days,
        url=turn.links.policy_url,
    )


@handles(i.ExportData)
def export_data(turn: Turn, intent: i.ExportData) -> Outcome:
    act, links = Act(turn), turn.links
    token = new_export_token()
    act.add(fx.CreateExportLink(token_hash(token), turn.sender.id, turn.now + links.export_ttl))
    minutes = int(links.export_ttl.total_seconds() // 60)
    return act.reply("export_ready", url=links.export_url(token), minutes=minutes)


@handles(i.DeleteData)
def delete_data(turn: Turn, intent: i.DeleteData) -> Outcome:
    act, sender, state = Act(turn), turn.sender, turn.state
    if not intent.confirmed:
        return act.ask("delete_data_confirm", intent, "confirmed", "yes_no")
    if sender.is_admin and len(state.admins()) == 1:
        # The organization would have nobody to run it: closing the account is the way.
        return act.reply("delete_data_last_admin")
    act.send(sender, act.say("delete_data_done"))
    former = say(pick_language(state.org.language), "former_member")
    act.add(fx.EraseMember(sender.id, phone=sender.phone, name=sender.name, former=former))
    return act.done()


@handles(i.DeleteAccount)
def delete_account(turn: Turn, intent: i.DeleteAccount) -> Outcome:
    act, sender, state = Act(turn), turn.sender, turn.state
    if not allowed(Action.CLOSE_ACCOUNT, sender):
        return act.reply("account_close_admin_only", org=state.org.name)
    if not intent.confirmed:
        days = turn.links.termination_grace.days
        return act.ask("delete_account_confirm", intent, "confirmed", "yes_no", days=days)
    days = turn.links.termination_grace.days
    act.send(sender, act.say("account_closed", days=days))
    for member in state.members:
        act.notify(member, "account_closed_notice", org=state.org.name)
    act.add(fx.TerminateOrg(turn.now))
    return act.done()


@handles(i.SignUp)
def sign_up(turn: Turn, intent: i.SignUp) -> Outcome:
    """Sign-up is for numbers no organization knows (actors/strangers.py): a member is in."""
    return Act(turn).reply("already_signed_up", org=turn.state.org.name)

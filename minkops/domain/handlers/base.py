"""What every handler works with: the turn it answers, and a builder for its outcome.

A handler is a pure function `(Turn, intent) -> Outcome`, registered for one intent
kind (python-telegram-bot's handlers are the model). It decides with the policy table,
says things through the catalogue, and returns effects; it never does I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from minkops.domain import effects as fx
from minkops.domain.conversation import QUESTION_TTL, Choice, Expects, PendingQuestion
from minkops.domain.inbound import InboundMessage
from minkops.domain.intents import Intent
from minkops.domain.models import Member
from minkops.domain.privacy import DEFAULT_LINKS, Links
from minkops.domain.replies import format_when, join_names, pick_language, say
from minkops.domain.roster import Ambiguous, Resolved, resolve_name
from minkops.domain.state import OrgState
from minkops.domain.translation import Translations, words_in

ME_WORDS = frozenset({"me", "myself", "mí", "mi", "yo", "eu", "moi", "mim"})


@dataclass(frozen=True)
class Turn:
    """One inbound message, from a known member, as the handlers see it."""

    state: OrgState
    sender: Member
    message: InboundMessage
    now: datetime
    language: str
    """The language to answer the sender in."""
    links: Links = DEFAULT_LINKS
    """Where links MinkOps hands out point (export)."""
    translations: Translations = field(default_factory=dict)
    """The words this message passes on, in the recipients' other languages."""


@dataclass(frozen=True)
class Outcome:
    effects: tuple[fx.Effect, ...] = ()
    question: PendingQuestion | None = None
    """The question this outcome leaves open, if it asked one."""

    def sends(self) -> tuple[fx.Send, ...]:
        return tuple(e for e in self.effects if isinstance(e, fx.Send))

    def answer_to(self, phone: str) -> str | None:
        """The first thing said to `phone`: what the conversation remembers as our answer."""
        return next((s.body for s in self.sends() if s.to == phone), None)


@dataclass
class Act:
    """Builds one outcome. Sends are numbered in order, so a replay makes the same keys."""

    turn: Turn
    effects: list[fx.Effect] = field(default_factory=list)
    question: PendingQuestion | None = None
    _sent: int = 0

    def say(self, key: str, **values: object) -> str:
        return say(self.turn.language, key, **values)

    def say_to(self, member: Member, key: str, **values: object) -> str:
        """A catalogue text in `member`'s language."""
        return say(pick_language(member.language), key, **values)

    def words_for(self, member: Member, words: str) -> str:
        """The sender's `words` (a title, a reminder's text) as `member` reads them:
        translated when they speak another language and a translation came with the
        message, else as written (inside a sentence of their own language)."""
        language = pick_language(member.language)
        return words_in(self.turn.translations, words, language, self.turn.language)

    def send(self, member: Member, body: str, kind: str = "reply") -> Act:
        if member.opted_out:
            return self  # they wrote STOP: nothing goes to them
        key = f"{self.turn.message.sid}:{self._sent}"
        self._sent += 1
        notice = kind == "notice"
        self.effects.append(
            fx.Send(
                key,
                member.phone,
                body,
                member.id,
                "notice" if notice else "reply",
                # News for a voice-delivery member also comes as a voice note.
                speak=notice and member.delivery == "voice",
            )
        )
        return self

    def reply(self, key: str, **values: object) -> Outcome:
        """Answer the sender with one catalogue text, and finish."""
        self.send(self.turn.sender, self.say(key, **values))
        return self.done()

    def reply_text(self, body: str) -> Outcome:
        self.send(self.turn.sender, body)
        return self.done()

    def notify(self, member: Member, key: str, **values: object) -> None:
        """Tell another member, in their own language. Never the sender: they have the reply."""
        if member.id == self.turn.sender.id:
            return
        self.send(member, self.say_to(member, key, **values), "notice")

    def add(self, *effects: fx.Effect) -> None:
        self.effects.extend(effects)

    def ask(
        self,
        key: str,
        intent: Intent,
        field_name: str,
        expects: Expects,
        choices: tuple[Choice, ...] = (),
        **values: object,
    ) -> Outcome:
        """Ask the sender for what `intent` lacks; their answer fills `field_name`."""
        self.question = PendingQuestion(
            intent=intent.model_dump(mode="json"),
            field=field_name,
            expects=expects,
            expires_at=self.turn.now + QUESTION_TTL,
            choices=choices,
        )
        return self.reply(key, **values)

    def done(self) -> Outcome:
        return Outcome(tuple(self.effects), self.question)

    # --- helpers many handlers share -------------------------------------------------------

    def when(self, moment: datetime, member: Member | None = None) -> str:
        """A time as `member` (default: the sender) reads it, in the organization's zone."""
        language = pick_language(member.language) if member else self.turn.language
        org = self.turn.state.org
        return format_when(language, moment, self.turn.now, org.timezone, country=org.country)

    def person(self, name: str, intent: Intent, field_name: str) -> Member | Outcome:
        """The member `name` means; else the question back (nobody, or which of several)."""
        if name.strip().lower() in ME_WORDS:
            return self.turn.sender
        state = self.turn.state
        entries = state.roster()
        match resolve_name(name, entries):
            case Resolved(entry=entry):
                return state.members[_index_of(entries, entry)]
            case Ambiguous(candidates=candidates):
                options = tuple(Choice(c.name, c.name) for c in candidates)
                listed = join_names(
                    self.turn.language,
                    [c.name for c in candidates],
                    country=state.org.country,
                    timezone=state.org.timezone,
                )
                return self.ask(
                    "ambiguous_person",
                    intent,
                    field_name,
                    "choice",
                    options,
                    name=name,
                    candidates=listed,
                )
        return self.reply("unknown_person", name=name, org=state.org.name)


Handler = Callable[[Turn, Any], Outcome]
H = TypeVar("H", bound=Handler)


def first_name(member: Member) -> str:
    return member.name.split()[0]


def _index_of(entries: tuple[Any, ...], entry: object) -> int:
    return next(n for n, candidate in enumerate(entries) if candidate is entry)

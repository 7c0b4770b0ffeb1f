"""What an org actor knows of its organization between messages: loaded, then evolved by effects."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from minkops.domain.models import Member, Organization, Task
from minkops.domain.reminders import Reminder
from minkops.domain.understanding import RosterEntry


@dataclass(frozen=True)
class OrgState:
    org: Organization
    members: tuple[Member, ...]
    open_tasks: tuple[Task, ...]
    next_task_number: int
    reminders: tuple[Reminder, ...] = ()
    """Active and paused reminders (cancelled and finished ones are not kept)."""
    next_reminder_number: int = 1

    # The state is immutable, so what every message derives from it is derived once per
    # state: an organization of 50 built 50 roster entries for every message it read.
    @cached_property
    def _by_phone(self) -> dict[str, Member]:
        return {m.phone: m for m in reversed(self.members)}  # the first of a phone wins

    @cached_property
    def _admins(self) -> tuple[Member, ...]:
        return tuple(m for m in self.members if m.is_admin)

    @cached_property
    def _roster(self) -> tuple[RosterEntry, ...]:
        return tuple(RosterEntry(m.name, m.role, m.language) for m in self.members)

    def member_by_phone(self, phone: str) -> Member | None:
        return self._by_phone.get(phone)

    def member_by_id(self, member_id: int | None) -> Member | None:
        return next((m for m in self.members if m.id == member_id), None)

    def open_task(self, number: int) -> Task | None:
        return next((t for t in self.open_tasks if t.number == number), None)

    def latest_task_by(self, member: Member) -> Task | None:
        """The newest open task this member gave: what "make it 6pm instead" is about."""
        mine = [t for t in self.open_tasks if t.created_by == member.id]
        return max(mine, key=lambda t: t.number, default=None)

    def reminder(self, number: int) -> Reminder | None:
        return next((r for r in self.reminders if r.number == number), None)

    def admins(self) -> tuple[Member, ...]:
        return self._admins

    def roster(self) -> tuple[RosterEntry, ...]:
        return self._roster

"""What a message does to an organization: pure functions from (state, sender, intent) to an Outcome.

The org actor loads `OrgState`, calls `act`, writes the Outcome in one transaction
and only then adopts `apply(state, outcome)`. Permissions are decided here, never
by whichever engine read the message.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from minkops.domain import intents as i
from minkops.domain.models import Delivery, Member, Organization, OutboundMessage, Role, Task
from minkops.domain.phones import InvalidPhone, normalize_phone
from minkops.domain.replies import describe_intent, format_when, join_names, pick_language, say
from minkops.domain.roster import Ambiguous, Resolved, resolve_name
from minkops.domain.understanding import RosterEntry

MAX_LISTED_TASKS = 20
# As the database's CHECK constraints allow.
MAX_TITLE = 500
MAX_NAME = 200


@dataclass(frozen=True)
class OrgState:
    org: Organization
    members: tuple[Member, ...]
    open_tasks: tuple[Task, ...]
    next_task_number: int

    def member_by_phone(self, phone: str) -> Member | None:
        return next((m for m in self.members if m.phone == phone), None)

    def member_by_id(self, member_id: int | None) -> Member | None:
        return next((m for m in self.members if m.id == member_id), None)

    def open_task(self, number: int) -> Task | None:
        return next((t for t in self.open_tasks if t.number == number), None)

    def roster(self) -> tuple[RosterEntry, ...]:
        return tuple(RosterEntry(m.name, m.role, m.language) for m in self.members)


@dataclass(frozen=True)
class Outcome:
    messages: tuple[OutboundMessage, ...] = ()
    new_tasks: tuple[Task, ...] = ()
    completed_tasks: tuple[Task, ...] = field(default_factory=tuple)
    new_members: tuple[NewMember, ...] = ()
    changed_members: tuple[Member, ...] = ()
    removed_members: tuple[Member, ...] = ()

    @property
    def changes_roster(self) -> bool:
        return bool(self.new_members or self.changed_members or self.removed_members)


@dataclass(frozen=True)
class NewMember:
    """A person to add; the database gives the id."""

    org_id: int
    name: str
    phone: str
    role: Role
    language: str
    delivery: Delivery


@dataclass(frozen=True)
class Inbound:
    """One message as the org actor sees it. `key` (the MessageSid) makes replies idempotent."""

    key: str
    sender: Member
    understood: i.Understood
    now: datetime


def act(state: OrgState, inbound: Inbound) -> Outcome:
    intent = inbound.understood.intent
    language = pick_language(inbound.understood.language, inbound.sender.language)
    replies = _Replies(state, inbound, language)
    try:
        i.validate_intent(intent)
    except i.IntentError:
        return replies.to_sender(say(language, "unknown"))
    match intent:
        case i.Help():
            key = "help_admin" if inbound.sender.is_admin else "help_staff"
            return replies.to_sender(
                say(language, key, name=_first_name(inbound.sender), org=state.org.name)
            )
        case i.CreateTask():
            return _create_task(state, inbound, intent, replies)
        case i.ListTasks():
            return _list_tasks(state, inbound, intent, replies)
        case i.CompleteTask():
            return _complete_task(state, inbound, intent, replies)
        case i.Clarify():
            return replies.to_sender(intent.question)
        case i.Unknown():
            return replies.to_sender(say(language, "unknown"))
        case i.AddMember() | i.UpdateMember() | i.RemoveMember():
            return _manage_team(state, inbound, intent, replies)
        case _:
            return replies.to_sender(
                say(language, "not_yet", what=describe_intent(language, intent.kind))
            )


def apply(state: OrgState, outcome: Outcome) -> OrgState:
    done = {task.number for task in outcome.completed_tasks}
    open_tasks = tuple(t for t in state.open_tasks if t.number not in done) + outcome.new_tasks
    next_number = max([state.next_task_number, *(t.number + 1 for t in outcome.new_tasks)])
    return replace(state, open_tasks=open_tasks, next_task_number=next_number)


def stranger_reply(key: str, phone: str, language_hint: str | None = None) -> OutboundMessage:
    return OutboundMessage(
        key=f"{key}:0", to=phone, body=say(pick_language(language_hint), "stranger")
    )


class _Replies:
    """Numbers outbound messages of one inbound so that a replay produces the same keys."""

    def __init__(self, state: OrgState, inbound: Inbound, language: str) -> None:
        self.state = state
        self.inbound = inbound
        self.language = language
        self.messages: list[OutboundMessage] = []

    def add(self, to: Member, body: str) -> None:
        key = f"{self.inbound.key}:{len(self.messages)}"
        self.messages.append(OutboundMessage(key=key, to=to.phone, body=body))

    def to_sender(self, body: str) -> Outcome:
        self.add(self.inbound.sender, body)
        return Outcome(messages=tuple(self.messages))


def _first_name(member: Member) -> str:
    return member.name.split()[0]


def _resolve(state: OrgState, name: str, sender: Member) -> Member | list[Member] | None:
    """The member a name means, the candidates when it is ambiguous, or None."""
    if name.strip().lower() in ("me", "myself", "mí", "mi", "yo"):
        return sender
    entries = state.roster()
    match resolve_name(name, entries):
        case Resolved(entry=entry):
            return state.members[_index_of(entries, entry)]
        case Ambiguous(candidates=candidates):
            return [state.members[_index_of(entries, c)] for c in candidates]
        case _:
            return None


def _person(state: OrgState, name: str, replies: _Replies) -> Member | Outcome:
    """The member `name` means, or the question back when nobody or several fit."""
    resolved = _resolve(state, name, replies.inbound.sender)
    if resolved is None:
        return replies.to_sender(
            say(replies.language, "unknown_person", name=name, org=state.org.name)
        )
    if isinstance(resolved, list):
        names = [m.name for m in resolved]
        org = state.org
        candidates = join_names(replies.language, names, country=org.country, timezone=org.timezone)
        return replies.to_sender(
            say(replies.language, "ambiguous_person", name=name, candidates=candidates)
        )
    return resolved


def _index_of(entries: tuple[RosterEntry, ...], entry: RosterEntry) -> int:
    return next(n for n, candidate in enumerate(entries) if candidate is entry)


def _create_task(
    state: OrgState, inbound: Inbound, intent: i.CreateTask, replies: _Replies
) -> Outcome:
    language, sender = replies.language, inbound.sender
    title = " ".join(intent.title.split())
    if not title:
        return replies.to_sender(say(language, "empty_title"))
    if len(title) > MAX_TITLE:
        return replies.to_sender(say(language, "title_too_long", limit=MAX_TITLE))
    assignees: list[Member | None] = []
    for name in intent.assignees:
        resolved = _person(state, name, replies)
        if isinstance(resolved, Outcome):
            return resolved
        if resolved.id not in {a.id for a in assignees if a}:
            assignees.append(resolved)
    if not sender.is_admin:
        if any(a.id != sender.id for a in assignees if a):
            return replies.to_sender(say(language, "assign_not_allowed"))
        assignees = [sender]
    if not assignees:
        assignees = [None]

    due = intent.due
    when = (
        format_when(language, due, inbound.now, state.org.timezone, country=state.org.country)
        if due
        else None
    )
    new_tasks: list[Task] = []
    confirmations: list[str] = []
    for offset, assignee in enumerate(assignees):
        task = Task(
            org_id=state.org.id,
            number=state.next_task_number + offset,
            title=title,
            assignee_id=assignee.id if assignee else None,
            created_by=sender.id,
            due_at=due,
        )
        new_tasks.append(task)
        whom = (
            say(language, "task_for", name=assignee.name)
            if assignee and assignee.id != sender.id
            else ""
        )
        due_text = say(language, "task_due", when=when) if when else ""
        confirmations.append(
            say(language, "task_created", number=task.number, title=title, whom=whom, due=due_text)
        )
    replies.add(sender, "\n".join(confirmations))
    for task, assignee in zip(new_tasks, assignees, strict=True):
        if assignee is None or assignee.id == sender.id or assignee.opted_out:
            continue
        their_language = pick_language(assignee.language)
        their_due = (
            say(
                their_language,
                "task_due",
                when=format_when(
                    their_language, due, inbound.now, state.org.timezone, country=state.org.country
                ),
            )
            if due
            else ""
        )
        replies.add(
            assignee,
            say(
                their_language,
                "task_assigned",
                number=task.number,
                creator=_first_name(sender),
                title=title,
                due=their_due,
            ),
        )
    return Outcome(messages=tuple(replies.messages), new_tasks=tuple(new_tasks))


def _list_tasks(
    state: OrgState, inbound: Inbound, intent: i.ListTasks, replies: _Replies
) -> Outcome:
    language, sender, now = replies.language, inbound.sender, inbound.now
    tasks = sorted(state.open_tasks, key=lambda t: t.number)
    header = "tasks_header"
    if intent.scope == "person" and intent.person:
        resolved = _person(state, intent.person, replies)
        if isinstance(resolved, Outcome):
            return resolved
        if not sender.is_admin and resolved.id != sender.id:
            return replies.to_sender(say(language, "list_not_allowed"))
        tasks = [t for t in tasks if t.assignee_id == resolved.id]
    elif intent.scope == "mine" or not sender.is_admin:
        # Staff see their own tasks and the unassigned ones anyone may pick up.
        header = "tasks_header_mine"
        mine_only = intent.scope == "mine"
        tasks = [
            t
            for t in tasks
            if t.assignee_id == sender.id or (t.assignee_id is None and not mine_only)
        ]
    if intent.scope == "overdue":
        tasks = [t for t in tasks if t.due_at is not None and t.due_at < now]
    if not tasks:
        return replies.to_sender(say(language, "tasks_none"))
    lines = [say(language, header)]
    for task in tasks[:MAX_LISTED_TASKS]:
        assignee = state.member_by_id(task.assignee_id)
        whom = (
            say(language, "tasks_line_whom", name=assignee.name)
            if assignee and sender.is_admin
            else ""
        )
        due = ""
        if task.due_at is not None:
            when = format_when(
                language, task.due_at, now, state.org.timezone, country=state.org.country
            )
            key = "tasks_line_overdue" if task.due_at < now else "tasks_line_due"
            due = say(language, key, when=when)
        lines.append(
            say(language, "tasks_line", number=task.number, title=task.title, whom=whom, due=due)
        )
    if len(tasks) > MAX_LISTED_TASKS:
        lines.append(say(language, "tasks_more", count=len(tasks) - MAX_LISTED_TASKS))
    return replies.to_sender("\n".join(lines))


def _complete_task(
    state: OrgState, inbound: Inbound, intent: i.CompleteTask, replies: _Replies
) -> Outcome:
    language, sender = replies.language, inbound.sender
    task = state.open_task(intent.number)
    if task is None:
        return replies.to_sender(say(language, "task_not_found", number=intent.number))
    allowed = (
        sender.is_admin or task.assignee_id in (None, sender.id) or task.created_by == sender.id
    )
    if not allowed:
        owner = state.member_by_id(task.assignee_id)
        name = owner.name if owner else "?"
        return replies.to_sender(say(language, "task_not_yours", number=task.number, name=name))
    done = replace(task, status="done", completed_by=sender.id, completed_at=inbound.now)
    replies.add(sender, say(language, "task_done", number=task.number, title=task.title))
    creator = state.member_by_id(task.created_by)
    if creator is not None and creator.id != sender.id and not creator.opted_out:
        replies.add(
            creator,
            say(
                pick_language(creator.language),
                "task_done_notify",
                name=_first_name(sender),
                number=task.number,
                title=task.title,
            ),
        )
    return Outcome(messages=tuple(replies.messages), completed_tasks=(done,))


def _manage_team(
    state: OrgState,
    inbound: Inbound,
    intent: i.AddMember | i.UpdateMember | i.RemoveMember,
    replies: _Replies,
) -> Outcome:
    """Adding, changing and removing people. Only admins may, whatever any engine proposed;
    the one exception: anyone may change their own name, language or delivery."""
    language, sender = replies.language, inbound.sender
    if isinstance(intent, i.UpdateMember) and not sender.is_admin:
        own = _resolve(state, intent.name, sender)
        if own is sender and intent.role is None and intent.phone is None:
            return _update_member(state, intent, sender, replies)
    if not sender.is_admin:
        return replies.to_sender(say(language, "admin_only"))
    if isinstance(intent, i.AddMember):
        return _add_member(state, intent, replies)
    target = _person(state, intent.name, replies)
    if isinstance(target, Outcome):
        return target
    if isinstance(intent, i.RemoveMember):
        if target.id == sender.id:
            return replies.to_sender(say(language, "cannot_remove_self"))
        replies.add(sender, say(language, "member_removed", name=target.name))
        return Outcome(messages=tuple(replies.messages), removed_members=(target,))
    return _update_member(state, intent, target, replies)


def _add_member(state: OrgState, intent: i.AddMember, replies: _Replies) -> Outcome:
    language = replies.language
    name = " ".join(intent.name.split())
    if len(name) > MAX_NAME:
        return replies.to_sender(say(language, "name_too_long", limit=MAX_NAME))
    if not intent.phone:
        return replies.to_sender(say(language, "member_needs_phone", name=name))
    try:
        phone = normalize_phone(intent.phone, state.org.country)
    except InvalidPhone:
        return replies.to_sender(say(language, "member_bad_phone", phone=intent.phone))
    existing = state.member_by_phone(phone)
    if existing is not None:
        return replies.to_sender(say(language, "member_exists", name=existing.name))
    new = NewMember(
        org_id=state.org.id,
        name=name,
        phone=phone,
        role=intent.role,
        language=(intent.language or state.org.language).lower()[:2],
        delivery=intent.delivery or "text",
    )
    role = say(language, f"role_{new.role}")
    replies.add(replies.inbound.sender, say(language, "member_added", name=name, role=role))
    return Outcome(messages=tuple(replies.messages), new_members=(new,))


def _update_member(
    state: OrgState, intent: i.UpdateMember, target: Member, replies: _Replies
) -> Outcome:
    language = replies.language
    changed = target
    if intent.new_name:
        new_name = " ".join(intent.new_name.split())
        if len(new_name) > MAX_NAME:
            return replies.to_sender(say(language, "name_too_long", limit=MAX_NAME))
        changed = replace(changed, name=new_name)
    if intent.language:
        changed = replace(changed, language=intent.language.lower()[:2])
    if intent.delivery:
        changed = replace(changed, delivery=intent.delivery)
    if intent.role:
        changed = replace(changed, role=intent.role)
    if intent.phone:
        try:
            phone = normalize_phone(intent.phone, state.org.country)
        except InvalidPhone:
            return replies.to_sender(say(language, "member_bad_phone", phone=intent.phone))
        changed = replace(changed, phone=phone)
    if changed == target:
        return replies.to_sender(say(language, "member_unchanged", name=target.name))
    replies.add(replies.inbound.sender, say(language, "member_updated", name=changed.name))
    return Outcome(messages=tuple(replies.messages), changed_members=(changed,))

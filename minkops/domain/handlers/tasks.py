"""Tasks: give, list, close, change and cancel them."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from minkops.domain import effects as fx
from minkops.domain import intents as i
from minkops.domain.conversation import Choice
from minkops.domain.handlers.base import Act, Outcome, Turn, first_name
from minkops.domain.handlers.registry import handles
from minkops.domain.matching import best_matches
from minkops.domain.models import Member, Task
from minkops.domain.policy import Action, Subject, allowed

MAX_LISTED_TASKS = 20
_FEW_TASKS = 5
"""So few open tasks that a report of work done in other words is asked about, not refused."""
MAX_TITLE = 500  # as the database's CHECK constraint allows


@handles(i.CreateTask)
def create_task(turn: Turn, intent: i.CreateTask) -> Outcome:
    """Every order of the message, or none: a question about any one of them (no title,
    which Juan?) is asked before a task is made, and the answer brings all of them back."""
    act, sender, state = Act(turn), turn.sender, turn.state
    planned: list[tuple[str, Member | None, datetime | None]] = []
    for index, order in enumerate(intent.orders()):
        asked_of = intent.led_by(index) if index else intent
        title = " ".join(order.title.split())
        if not title:
            return act.ask("ask_task_title", asked_of, "title", "text")
        if len(title) > MAX_TITLE:
            return act.reply("title_too_long", limit=MAX_TITLE)
        assignees: list[Member | None] = []
        for position, name in enumerate(order.assignees):
            # The answer to "which Juan?" replaces exactly the name that was ambiguous.
            resolved = act.person(name, asked_of, f"assignees.{position}")
            if isinstance(resolved, Outcome):
                return resolved
            if resolved.id not in {a.id for a in assignees if a}:
                assignees.append(resolved)
        if not allowed(Action.GIVE_TASKS_TO_OTHERS, sender):
            if any(a.id != sender.id for a in assignees if a):
                return act.reply("assign_not_allowed")
            assignees = [sender]
        planned += [(title, assignee, order.due) for assignee in assignees or [None]]

    new_tasks = [
        Task(
            org_id=state.org.id,
            number=state.next_task_number + offset,
            title=title,
            assignee_id=assignee.id if assignee else None,
            created_by=sender.id,
            due_at=due,
        )
        for offset, (title, assignee, due) in enumerate(planned)
    ]
    assigned = [assignee for _, assignee, _ in planned]
    confirmations = [
        act.say(
            "task_created",
            number=task.number,
            title=task.title,
            whom=_whom(act, assignee, sender),
            due=act.say("task_due", when=act.when(task.due_at)) if task.due_at else "",
        )
        for task, assignee in zip(new_tasks, assigned, strict=True)
    ]
    # Someone who wrote STOP gets nothing from us: the one who gave the task must know.
    silent = {a.id: a.name for a in assigned if a and a.opted_out and a.id != sender.id}
    confirmations += [act.say("assignee_opted_out", name=name) for name in silent.values()]
    act.send(sender, "\n".join(confirmations))
    for task, assignee in zip(new_tasks, assigned, strict=True):
        act.add(fx.CreateTask(task))
        if assignee is not None:
            _tell_assignee(act, task, assignee)
    return act.done()


@handles(i.ListTasks)
def list_tasks(turn: Turn, intent: i.ListTasks) -> Outcome:
    act, sender, state, now = Act(turn), turn.sender, turn.state, turn.now
    tasks = sorted(state.open_tasks, key=lambda t: t.number)
    header, none = act.say("tasks_header"), act.say("tasks_none")
    if intent.scope == "person" and intent.person:
        resolved = act.person(intent.person, intent, "person")
        if isinstance(resolved, Outcome):
            return resolved
        if resolved.id != sender.id and not allowed(Action.SEE_OTHERS_TASKS, sender):
            return act.reply("list_not_allowed")
        tasks = [t for t in tasks if t.assignee_id == resolved.id]
        if resolved.id == sender.id:
            header = act.say("tasks_header_mine")
        else:
            header = act.say("tasks_header_for", name=resolved.name)
            none = act.say("tasks_none_for", name=resolved.name)
    elif intent.scope == "mine" or not allowed(Action.SEE_OTHERS_TASKS, sender):
        # Staff see their own tasks and the unassigned ones anyone may pick up.
        header = act.say("tasks_header_mine")
        mine_only = intent.scope == "mine"
        tasks = [
            t
            for t in tasks
            if t.assignee_id == sender.id or (t.assignee_id is None and not mine_only)
        ]
    if intent.scope == "overdue":
        tasks = [t for t in tasks if t.due_at is not None and t.due_at < now]
        header = act.say("tasks_header_overdue")
        none = act.say("tasks_none_overdue") if state.open_tasks else none
    if not tasks:
        return act.reply_text(none)
    show_whom = allowed(Action.SEE_OTHERS_TASKS, sender)
    lines = [header]
    for task in tasks[:MAX_LISTED_TASKS]:
        lines.append(act.say("tasks_line", **_as_listed(act, task, show_whom)))
    if len(tasks) > MAX_LISTED_TASKS:
        lines.append(act.say("tasks_more", count=len(tasks) - MAX_LISTED_TASKS))
    return act.reply_text("\n".join(lines))


@handles(i.TaskStatus)
def task_status(turn: Turn, intent: i.TaskStatus) -> Outcome:
    """Where one open task stands. A description no open task fits is answered as what it
    most likely means: the work was done or cancelled (closed tasks are not kept in mind)."""
    act = Act(turn)
    found = _which_task(act, intent, default=None, no_match="task_status_none")
    if isinstance(found, Outcome):
        return found
    show_whom = allowed(Action.SEE_OTHERS_TASKS, turn.sender)
    return act.reply("task_status_open", **_as_listed(act, found, show_whom))


def _as_listed(act: Act, task: Task, show_whom: bool) -> dict[str, object]:
    """A task's number, title, assignee (for those who may see it) and due time, as a
    line of the task list shows them."""
    assignee = act.turn.state.member_by_id(task.assignee_id)
    whom = act.say("tasks_line_whom", name=assignee.name) if assignee and show_whom else ""
    due = ""
    if task.due_at is not None:
        key = "tasks_line_overdue" if task.due_at < act.turn.now else "tasks_line_due"
        due = act.say(key, when=act.when(task.due_at))
    return {"number": task.number, "title": task.title, "whom": whom, "due": due}


@handles(i.CompleteTask)
def complete_task(turn: Turn, intent: i.CompleteTask) -> Outcome:
    """The task meant, and any further numbers said with it ("done 3 and 4"): each closed
    if the sender may, and one reply that says what happened to each."""
    act, sender, state = Act(turn), turn.sender, turn.state
    found = _which_task(act, intent, default=_only_task_of(turn))
    if isinstance(found, Outcome):
        return found
    tasks, lines = [found], []
    for number in intent.also or ():
        task = state.open_task(number)
        if task is None:
            lines.append(act.say("task_not_found", number=number))
        elif task not in tasks:
            tasks.append(task)
    closing = []
    for task in tasks:
        if allowed(Action.CLOSE_TASK, sender, Subject(task=task)):
            closing.append(task)
            lines.append(act.say("task_done", number=task.number, title=task.title))
        else:
            owner = state.member_by_id(task.assignee_id)
            name = owner.name if owner else "?"
            lines.append(act.say("task_not_yours", number=task.number, name=name))
    act.send(sender, "\n".join(lines))
    for task in closing:
        act.add(fx.CloseTask(task.number, "done", sender.id, turn.now))
        _tell_closed(act, task)
    return act.done()


def _tell_closed(act: Act, task: Task) -> None:
    """Whoever gave the task, and whoever had it if someone else closed it."""
    state, sender, name = act.turn.state, act.turn.sender, first_name(act.turn.sender)
    creator = state.member_by_id(task.created_by)
    assignee = state.member_by_id(task.assignee_id)
    if creator is not None:
        act.notify(creator, "task_done_notify", name=name, number=task.number, title=task.title)
    if assignee is not None and assignee.id not in (sender.id, task.created_by):
        act.notify(assignee, "task_closed_for_you", name=name, number=task.number, title=task.title)


def _task_to_change(act: Act, intent: i.EditTask | i.CancelTask) -> Task | Outcome:
    """The task an edit or a cancellation is about (by number or description, else the
    sender's latest), if the sender may change it; otherwise the reply that says why not."""
    sender = act.turn.sender
    default = act.turn.state.latest_task_by(sender)
    found = _which_task(act, intent, default=default, no_default="change")
    if isinstance(found, Outcome):
        return found
    if not allowed(Action.CHANGE_TASK, sender, Subject(task=found)):
        return act.reply("task_change_not_allowed", number=found.number)
    return found


@handles(i.EditTask)
def edit_task(turn: Turn, intent: i.EditTask) -> Outcome:
    act, sender, state = Act(turn), turn.sender, turn.state
    found = _task_to_change(act, intent)
    if isinstance(found, Outcome):
        return found
    task = found
    changed = task
    if intent.title and intent.title.strip():
        title = " ".join(intent.title.split())
        if len(title) > MAX_TITLE:
            return act.reply("title_too_long", limit=MAX_TITLE)
        changed = replace(changed, title=title)
    if intent.due is not None:
        changed = replace(changed, due_at=intent.due)
    new_assignee: Member | None = None
    if intent.assignee:
        resolved = act.person(intent.assignee, intent, "assignee")
        if isinstance(resolved, Outcome):
            return resolved
        if resolved.id != sender.id and not allowed(Action.GIVE_TASKS_TO_OTHERS, sender):
            return act.reply("assign_not_allowed")
        new_assignee = resolved
        changed = replace(changed, assignee_id=resolved.id)
    if changed == task:
        return act.reply("task_nothing_to_change", number=task.number)
    assignee = state.member_by_id(changed.assignee_id)
    act.send(
        sender,
        act.say(
            "task_changed",
            number=changed.number,
            title=changed.title,
            whom=_whom(act, assignee, sender),
            due=act.say("task_due", when=act.when(changed.due_at)) if changed.due_at else "",
        ),
    )
    act.add(fx.ChangeTask(changed))
    previous = state.member_by_id(task.assignee_id)
    if (
        new_assignee
        and new_assignee.opted_out
        and new_assignee.id not in (sender.id, task.assignee_id)
    ):
        act.send(sender, act.say("assignee_opted_out", name=new_assignee.name))
    if new_assignee is not None and new_assignee.id != task.assignee_id:
        _tell_assignee(act, changed, new_assignee)
        if previous is not None:
            act.notify(
                previous,
                "task_taken_away",
                number=task.number,
                title=task.title,
                name=new_assignee.name,
            )
    elif previous is not None:
        due = ""
        if changed.due_at is not None:
            due = act.say_to(previous, "task_due", when=act.when(changed.due_at, previous))
        act.notify(
            previous,
            "task_changed_notify",
            name=first_name(sender),
            number=changed.number,
            title=changed.title,
            due=due,
        )
    return act.done()


@handles(i.CancelTask)
def cancel_task(turn: Turn, intent: i.CancelTask) -> Outcome:
    act, sender, state = Act(turn), turn.sender, turn.state
    found = _task_to_change(act, intent)
    if isinstance(found, Outcome):
        return found
    task = found
    act.send(sender, act.say("task_cancelled", number=task.number, title=task.title))
    act.add(fx.CloseTask(task.number, "cancelled", sender.id, turn.now))
    assignee = state.member_by_id(task.assignee_id)
    if assignee is not None:
        act.notify(
            assignee,
            "task_cancelled_notify",
            name=first_name(sender),
            number=task.number,
            title=task.title,
        )
    return act.done()


# --- shared --------------------------------------------------------------------------------


def _whom(act: Act, assignee: Member | None, sender: Member) -> str:
    if assignee is None or assignee.id == sender.id:
        return ""
    return act.say("task_for", name=assignee.name)


def _tell_assignee(act: Act, task: Task, assignee: Member) -> None:
    due = ""
    if task.due_at is not None:
        due = act.say_to(assignee, "task_due", when=act.when(task.due_at, assignee))
    act.notify(
        assignee,
        "task_assigned",
        number=task.number,
        creator=first_name(act.turn.sender),
        title=act.words_for(assignee, task.title),
        due=due,
    )


def _only_task_of(turn: Turn) -> Task | None:
    """ "done" with no number, from someone who has exactly one open task: that one."""
    mine = [t for t in turn.state.open_tasks if t.assignee_id == turn.sender.id]
    return mine[0] if len(mine) == 1 else None


def _which_task(
    act: Act,
    intent: i.CompleteTask | i.EditTask | i.CancelTask | i.TaskStatus,
    *,
    default: Task | None,
    no_default: str = "number",
    no_match: str = "task_no_match",
) -> Task | Outcome:
    """The open task an intent is about: by number, by description, or the default;
    `no_match` is the reply when a description fits no open task."""
    state = act.turn.state
    if intent.number is not None:
        task = state.open_task(intent.number)
        if task is None:
            return act.reply("task_not_found", number=intent.number)
        return task
    if intent.description and intent.description.strip():
        visible = _visible(act.turn)
        candidates = best_matches(intent.description, visible, _title)
        if len(candidates) == 1:
            return candidates[0]
        described = intent.description.strip()
        if not candidates and isinstance(intent, i.CompleteTask) and 0 < len(visible) <= _FEW_TASKS:
            # "terminei a limpeza" in other words than the task's: of the few tasks the
            # sender has open, which one.
            few = sorted(visible, key=lambda t: t.number)
            return _ask_which(act, "task_no_match_which", intent, few, description=described)
        if not candidates:
            return act.reply(no_match, description=described)
        return _ask_which(act, "ask_which_task", intent, candidates)
    if default is not None:
        return default
    if no_default == "change":
        return act.reply("no_task_to_change")
    return act.ask("task_which_number", intent, "number", "choice", _choices(act.turn))


def _ask_which(
    act: Act, key: str, intent: i.Intent, tasks: list[Task], **values: object
) -> Outcome:
    """Which of `tasks`: each a choice, and listed one per line as the question's
    {candidates}."""
    choices = tuple(Choice(f"#{t.number} {t.title}", t.number) for t in tasks)
    listed = "\n".join(f"#{t.number} {t.title}" for t in tasks)
    return act.ask(key, intent, "number", "choice", choices, candidates=listed, **values)


def _title(task: Task) -> str:
    return task.title


def _visible(turn: Turn) -> list[Task]:
    """The tasks a description may refer to: all for admins, one's own and free ones for staff."""
    if allowed(Action.SEE_OTHERS_TASKS, turn.sender):
        return list(turn.state.open_tasks)
    return [
        t
        for t in turn.state.open_tasks
        if t.assignee_id in (None, turn.sender.id) or t.created_by == turn.sender.id
    ]


def _choices(turn: Turn) -> tuple[Choice, ...]:
    return tuple(Choice(f"#{t.number} {t.title}", t.number) for t in _visible(turn))

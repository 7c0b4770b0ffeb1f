"""Reply texts added with the handlers, waiting to move into the gettext catalogues.

`replies.say` reads these after its own table; keys here must not repeat keys there.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "acknowledged": "👍",
        "declined": "OK, I won't do it.",
        "phone_change_by_admin": (
            "Your phone number is how I know it's you: ask an admin to change it."
        ),
        "ask_task_title": 'What is the task? For example: "clean the fridge".',
        "ask_reminder_when": "When should I send the reminder?",
        "ask_reminder_text": "What should the reminder say?",
        "ask_which_task": "Which task do you mean? {candidates}",
        "task_no_match": (
            'I can\'t find an open task about "{description}". Write "tasks" to see the list.'
        ),
        "task_which_number": 'Which task? Write its number, for example: "done 3".',
        "no_task_to_change": ('You have no open task to change. Write "tasks" to see the list.'),
        "task_change_not_allowed": (
            "Only an admin or whoever gave task #{number} can change or cancel it."
        ),
        "task_nothing_to_change": (
            'What should change in task #{number}? For example: "change task {number} to Friday".'
        ),
        "task_changed": "✏️ Task #{number}: {title}{whom}{due}.",
        "task_changed_notify": "✏️ {name} changed task #{number}: {title}{due}.",
        "task_taken_away": "Task #{number} ({title}) is now {name}'s.",
        "task_cancelled": "🗑️ Task #{number} cancelled: {title}.",
        "task_cancelled_notify": "🗑️ {name} cancelled task #{number}: {title}.",
        "task_closed_for_you": "✅ {name} marked your task #{number} done: {title}.",
        "tasks_unassigned_one": "{name} had 1 open task, now unassigned: {numbers}.",
        "tasks_unassigned_many": "{name} had {count} open tasks, now unassigned: {numbers}.",
    },
    "es": {
        "acknowledged": "👍",
        "declined": "Vale, no lo hago.",
        "phone_change_by_admin": (
            "Tu número es cómo sé que eres tú: pide a un admin que lo cambie."
        ),
        "ask_task_title": '¿Cuál es la tarea? Por ejemplo: "limpiar la nevera".',
        "ask_reminder_when": "¿Cuándo envío el recordatorio?",
        "ask_reminder_text": "¿Qué digo en el recordatorio?",
        "ask_which_task": "¿Qué tarea quieres decir? {candidates}",
        "task_no_match": (
            'No encuentro ninguna tarea abierta sobre "{description}". '
            'Escribe "tareas" para ver la lista.'
        ),
        "task_which_number": '¿Qué tarea? Escribe su número, por ejemplo: "hecho 3".',
        "no_task_to_change": (
            'No tienes ninguna tarea abierta que cambiar. Escribe "tareas" para ver la lista.'
        ),
        "task_change_not_allowed": (
            "Solo un admin o quien dio la tarea #{number} puede cambiarla o cancelarla."
        ),
        "task_nothing_to_change": (
            '¿Qué cambio en la tarea #{number}? Por ejemplo: "cambia la tarea {number} al viernes".'
        ),
        "task_changed": "✏️ Tarea #{number}: {title}{whom}{due}.",
        "task_changed_notify": "✏️ {name} cambió la tarea #{number}: {title}{due}.",
        "task_taken_away": "La tarea #{number} ({title}) ahora es de {name}.",
        "task_cancelled": "🗑️ Tarea #{number} cancelada: {title}.",
        "task_cancelled_notify": "🗑️ {name} canceló la tarea #{number}: {title}.",
        "task_closed_for_you": "✅ {name} marcó como hecha tu tarea #{number}: {title}.",
        "tasks_unassigned_one": "{name} tenía 1 tarea abierta, ahora sin asignar: {numbers}.",
        "tasks_unassigned_many": (
            "{name} tenía {count} tareas abiertas, ahora sin asignar: {numbers}."
        ),
    },
}

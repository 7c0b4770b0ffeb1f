"""What MinkOps says, in each language it speaks. Short, friendly, one idea per message."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from minkops.domain.texts_pending import TEXTS as TEXTS_PENDING

SUPPORTED_LANGUAGES = ("en", "es")

_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "help_admin": (
            "Hi {name}! I'm MinkOps, {org}'s assistant. You can write:\n"
            "• task for Juan: order milk by 5pm\n"
            "• task: clean the fridge\n"
            "• tasks — see open tasks\n"
            "• done 3 — close task 3\n"
            "• help — this message"
        ),
        "help_staff": (
            "Hi {name}! I'm MinkOps, {org}'s assistant. You can write:\n"
            "• tasks — see your tasks\n"
            "• done 3 — close task 3\n"
            "• task: restock napkins — note a task for yourself\n"
            "• help — this message"
        ),
        "task_created": "✅ Task #{number}: {title}{whom}{due}.",
        "task_for": " for {name}",
        "task_due": ", due {when}",
        "task_assigned": (
            "📋 New task #{number} from {creator}: {title}{due}.\n"
            'Reply "done {number}" when it\'s finished.'
        ),
        "tasks_header": "Open tasks:",
        "tasks_header_mine": "Your open tasks:",
        "tasks_line": "#{number} {title}{whom}{due}",
        "tasks_line_whom": " — {name}",
        "tasks_line_due": " (due {when})",
        "tasks_line_overdue": " (overdue since {when})",
        "tasks_none": "No open tasks. 🎉",
        "tasks_more": "…and {count} more.",
        "task_done": "👍 Task #{number} done: {title}.",
        "task_done_notify": "✅ {name} finished task #{number}: {title}.",
        "task_not_found": 'I can\'t find an open task #{number}. Write "tasks" to see the list.',
        "task_not_yours": "Task #{number} is {name}'s; only they or an admin can close it.",
        "assign_not_allowed": (
            'Only admins can give tasks to others. Write "task: …" to note one for yourself.'
        ),
        "list_not_allowed": "Only admins can see other people's tasks.",
        "unknown_person": (
            "I don't know anyone called {name} at {org}. "
            "Check the name, or ask an admin to add them."
        ),
        "ambiguous_person": "Which {name} do you mean: {candidates}?",
        "empty_title": 'What should the task say? For example: "task: clean the fridge".',
        "title_too_long": "That task is too long: keep it under {limit} characters, please.",
        "name_too_long": "That name is too long: keep it under {limit} characters, please.",
        "unknown": 'Sorry, I didn\'t get that. Write "help" to see what I can do.',
        "not_yet": "I understood that you want to {what}, but I can't do that yet. Sorry!",
        "media_unsupported": "I can only read text and voice notes. Could you write it out?",
        "voice_unavailable": "I couldn't listen to your voice note just now. Could you write it instead?",
        "try_again": "I could not understand that just now, please try again.",
        "rephrase": "Sorry, I'm not sure what you mean. Could you say it another way?",
        "stranger": (
            "Hi! This is MinkOps, the WhatsApp assistant that helps teams run their day "
            "(tasks, reminders, voice notes). This number isn't part of a team yet: "
            "ask your manager to add you, and then say hi again."
        ),
        "admin_only": "Only admins can add, change or remove people.",
        "member_added": (
            "👋 {name} is on the team now ({role}). "
            "Ask them to say hi to this number to start getting tasks."
        ),
        "member_needs_phone": "What is {name}'s phone number? For example: add {name} +34 600 123 456",
        "member_bad_phone": "{phone} doesn't look like a phone number.",
        "member_exists": "{name} already has that number on the team.",
        "member_phone_taken": "That number already belongs to another team.",
        "member_removed": "{name} is no longer on the team.",
        "member_updated": "Updated {name}'s details.",
        "member_unchanged": "Nothing to change for {name}.",
        "cannot_remove_self": "You can't remove yourself from the team.",
        "role_admin": "admin",
        "role_staff": "staff",
        "or": " or ",
        "today": "today {time}",
        "tomorrow": "tomorrow {time}",
    },
    "es": {
        "help_admin": (
            "¡Hola, {name}! Soy MinkOps, el asistente de {org}. Puedes escribir:\n"
            "• tarea para Juan: pedir leche a las 17\n"
            "• tarea: limpiar la nevera\n"
            "• tareas — ver las tareas abiertas\n"
            "• hecho 3 — cerrar la tarea 3\n"
            "• ayuda — este mensaje"
        ),
        "help_staff": (
            "¡Hola, {name}! Soy MinkOps, el asistente de {org}. Puedes escribir:\n"
            "• tareas — ver tus tareas\n"
            "• hecho 3 — cerrar la tarea 3\n"
            "• tarea: reponer servilletas — apuntar una tarea para ti\n"
            "• ayuda — este mensaje"
        ),
        "task_created": "✅ Tarea #{number}: {title}{whom}{due}.",
        "task_for": " para {name}",
        "task_due": ", para {when}",
        "task_assigned": (
            "📋 Nueva tarea #{number} de {creator}: {title}{due}.\n"
            'Responde "hecho {number}" cuando esté terminada.'
        ),
        "tasks_header": "Tareas abiertas:",
        "tasks_header_mine": "Tus tareas abiertas:",
        "tasks_line": "#{number} {title}{whom}{due}",
        "tasks_line_whom": " — {name}",
        "tasks_line_due": " (para {when})",
        "tasks_line_overdue": " (atrasada desde {when})",
        "tasks_none": "No hay tareas abiertas. 🎉",
        "tasks_more": "…y {count} más.",
        "task_done": "👍 Tarea #{number} hecha: {title}.",
        "task_done_notify": "✅ {name} terminó la tarea #{number}: {title}.",
        "task_not_found": 'No encuentro la tarea abierta #{number}. Escribe "tareas" para ver la lista.',
        "task_not_yours": "La tarea #{number} es de {name}; solo esa persona o un admin puede cerrarla.",
        "assign_not_allowed": (
            'Solo los admins pueden dar tareas a otras personas. Escribe "tarea: …" '
            "para apuntar una para ti."
        ),
        "list_not_allowed": "Solo los admins pueden ver las tareas de otras personas.",
        "unknown_person": (
            "No conozco a nadie llamado {name} en {org}. "
            "Revisa el nombre o pide a un admin que lo añada."
        ),
        "ambiguous_person": "¿A qué {name} te refieres: {candidates}?",
        "empty_title": '¿Qué dice la tarea? Por ejemplo: "tarea: limpiar la nevera".',
        "title_too_long": "Esa tarea es demasiado larga: menos de {limit} caracteres, por favor.",
        "name_too_long": "Ese nombre es demasiado largo: menos de {limit} caracteres, por favor.",
        "unknown": 'Perdona, no te he entendido. Escribe "ayuda" para ver lo que puedo hacer.',
        "not_yet": "He entendido que quieres {what}, pero todavía no sé hacerlo. ¡Perdona!",
        "media_unsupported": "Solo leo texto y notas de voz. ¿Me lo escribes?",
        "voice_unavailable": "Ahora mismo no puedo escuchar tu nota de voz. ¿Me lo puedes escribir?",
        "try_again": "No he podido entenderlo ahora mismo, por favor inténtalo de nuevo.",
        "rephrase": "Perdona, no estoy seguro de lo que quieres decir. ¿Puedes decirlo de otra forma?",
        "stranger": (
            "¡Hola! Esto es MinkOps, el asistente de WhatsApp que ayuda a los equipos con su día "
            "(tareas, recordatorios, notas de voz). Este número aún no forma parte de ningún "
            "equipo: pide a tu responsable que te añada y vuelve a saludar."
        ),
        "admin_only": "Solo los admins pueden añadir, cambiar o quitar personas.",
        "member_added": (
            "👋 {name} ya está en el equipo ({role}). "
            "Pídele que salude a este número para empezar a recibir tareas."
        ),
        "member_needs_phone": "¿Cuál es el teléfono de {name}? Por ejemplo: añade a {name} +34 600 123 456",
        "member_bad_phone": "{phone} no parece un número de teléfono.",
        "member_exists": "Ese número ya es de {name}, del equipo.",
        "member_phone_taken": "Ese número ya pertenece a otro equipo.",
        "member_removed": "{name} ya no está en el equipo.",
        "member_updated": "He actualizado los datos de {name}.",
        "member_unchanged": "No hay nada que cambiar para {name}.",
        "cannot_remove_self": "No puedes quitarte a ti mismo del equipo.",
        "role_admin": "admin",
        "role_staff": "personal",
        "or": " o ",
        "today": "hoy {time}",
        "tomorrow": "mañana {time}",
    },
}

# What a not-yet-built intent is about, for the honest "can't do that yet" reply.
_WHAT: dict[str, dict[str, str]] = {
    "en": {
        "add_member": "add someone to the team",
        "update_member": "change someone's details",
        "remove_member": "remove someone from the team",
        "create_reminder": "set a reminder",
        "list_reminders": "see your reminders",
        "cancel_reminder": "cancel a reminder",
        "usage": "see your plan's usage",
        "stop_messages": "stop messages",
        "start_messages": "start messages again",
        "export_data": "get a copy of your data",
        "correct_data": "correct your data",
        "delete_data": "delete your data",
    },
    "es": {
        "add_member": "añadir a alguien al equipo",
        "update_member": "cambiar los datos de alguien",
        "remove_member": "quitar a alguien del equipo",
        "create_reminder": "crear un recordatorio",
        "list_reminders": "ver tus recordatorios",
        "cancel_reminder": "cancelar un recordatorio",
        "usage": "ver el uso de tu plan",
        "stop_messages": "dejar de recibir mensajes",
        "start_messages": "volver a recibir mensajes",
        "export_data": "recibir una copia de tus datos",
        "correct_data": "corregir tus datos",
        "delete_data": "borrar tus datos",
    },
}

_DAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "es": ("lun", "mar", "mié", "jue", "vie", "sáb", "dom"),
}
_MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "es": ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"),
}


def pick_language(*candidates: str | None) -> str:
    """The first candidate we speak; English when none is."""
    for candidate in candidates:
        if candidate and candidate.lower()[:2] in SUPPORTED_LANGUAGES:
            return candidate.lower()[:2]
    return "en"


def say(language: str, key: str, **values: object) -> str:
    language = pick_language(language)
    text = _TEXTS[language].get(key) or TEXTS_PENDING[language][key]
    return text.format(**values)


def describe_intent(language: str, kind: str) -> str:
    return _WHAT[pick_language(language)].get(kind, kind.replace("_", " "))


def join_names(language: str, names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + say(language, "or") + names[-1]


def format_when(language: str, moment: datetime, now: datetime, timezone: str) -> str:
    """'today 17:00', 'tomorrow 09:00' or 'Mon 3 Dec 17:00', in the organization's time."""
    zone = ZoneInfo(timezone)
    local = moment.astimezone(zone)
    today = now.astimezone(zone).date()
    time = local.strftime("%H:%M")
    language = pick_language(language)
    if local.date() == today:
        return say(language, "today", time=time)
    if (local.date() - today).days == 1:
        return say(language, "tomorrow", time=time)
    day = _DAYS[language][local.weekday()]
    month = _MONTHS[language][local.month - 1]
    return f"{day} {local.day} {month} {time}"

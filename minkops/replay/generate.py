"""Synthetic traffic that looks like a working day: organizations with an owner who gives
and closes tasks and staff who ask what they have to do, in English or Spanish, with bursts
at the shift changes.

Every message a sender receives is a reply to one of theirs: tasks go only to staff who
never write, so a replay can count lost and doubled replies exactly.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from minkops.replay.traffic import Record, RosterMember, RosterOrg

# Shift changes in a compressed day, as fractions of the recording: 7:00, 15:00, 23:00.
SHIFT_CHANGES = (7 / 24, 15 / 24, 23 / 24)
BURST_SHARE = 0.6  # of messages near a shift change; the rest spread over the day
BURST_WIDTH = 0.02  # of the day: about half an hour either side
MAX_OPEN_TASKS = 6  # the owner closes the oldest beyond this, so listings stay short

NAMES = {
    "es": ("Ana", "Luis", "María", "Pedro", "Lucía", "Javier", "Carmen", "Diego", "Elena", "Raúl"),
    "en": ("Emma", "Tom", "Grace", "Sam", "Olivia", "Jack", "Mia", "Harry", "Ruby", "Leo"),
}
SURNAMES = {
    "es": ("García", "López", "Sánchez", "Gómez", "Martín", "Ruiz", "Díaz", "Moreno"),
    "en": ("Baker", "Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Walker"),
}
CHORES = {
    "es": (
        "limpiar la nevera",
        "pedir leche y café",
        "revisar la cámara frigorífica",
        "fregar la terraza",
        "sacar la basura",
        "hacer el inventario",
        "llamar al fontanero",
        "preparar las verduras",
    ),
    "en": (
        "clean the fridge",
        "order milk and coffee beans",
        "check the freezer temperature",
        "mop the terrace",
        "take the bins out",
        "do the stock count",
        "call the plumber",
        "prep the vegetables",
    ),
}
WHEN = {
    "es": ("", " mañana a las 9", " hoy a las 17:00", " el viernes", " antes de las 12"),
    "en": ("", " tomorrow at 9", " today at 5pm", " on Friday", " by noon"),
}
OWNER_SAYS = {
    "es": {
        "task": ("tarea para {who}: {chore}{when}", "{who} tiene que {chore}{when}"),
        "list": ("tareas", "qué hay pendiente?"),
        "done": ("hecho {n}", "la {n} ya está"),
        "help": ("ayuda",),
        "thanks": ("gracias", "vale perfecto"),
    },
    "en": {
        "task": ("task for {who}: {chore}{when}", "{who} needs to {chore}{when}"),
        "list": ("tasks", "what's still open?"),
        "done": ("done {n}", "task {n} is done"),
        "help": ("help",),
        "thanks": ("thanks!", "ok great"),
    },
}
STAFF_SAYS = {
    "es": ("mis tareas", "ayuda", "qué tengo que hacer?", "gracias"),
    "en": ("my tasks", "help", "what do I have to do?", "thanks"),
}
OWNER_MIX = (("task", 0.4), ("list", 0.2), ("done", 0.2), ("help", 0.1), ("thanks", 0.1))


@dataclass
class _Org:
    roster: RosterOrg
    language: str
    owner: RosterMember
    askers: tuple[RosterMember, ...]
    quiet: tuple[RosterMember, ...]
    tasks_made: int = 0
    open_tasks: list[int] | None = None


def _phone(country_code: str, index: int) -> str:
    # Spanish mobiles +34 6xx xxx xxx; UK mobiles +44 7700 9xxxxx (Ofcom's drama range).
    return f"+34{690_000_000 + index}" if country_code == "es" else f"+447700{900_000 + index}"


def make_roster(orgs: int, members_per_org: int, rng: random.Random) -> list[_Org]:
    if orgs < 1 or members_per_org < 3:
        raise ValueError("at least one organization of three members")
    made = []
    index = 0
    for o in range(orgs):
        language = "es" if o % 2 == 0 else "en"
        members = []
        # Distinct first names while they last, so "tarea para María" names one person.
        firsts = rng.sample(NAMES[language], len(NAMES[language]))
        for m in range(members_per_org):
            first = firsts[m % len(firsts)]
            if m >= len(firsts):
                first = f"{first}{m // len(firsts) + 1}"
            name = f"{first} {rng.choice(SURNAMES[language])}"
            role = "admin" if m == 0 else "staff"
            members.append(RosterMember(name, _phone(language, index), role, language))
            index += 1
        timezone = "Europe/Madrid" if language == "es" else "Europe/London"
        roster = RosterOrg(
            f"{'Café' if language == 'es' else 'Bistro'} {o + 1}", timezone, tuple(members)
        )
        half = 1 + (members_per_org - 1) // 2
        made.append(
            _Org(roster, language, members[0], tuple(members[1:half]), tuple(members[half:]), 0, [])
        )
    return made


def _offsets(count: int, duration: float, rng: random.Random) -> list[float]:
    offsets = []
    for _ in range(count):
        if rng.random() < BURST_SHARE:
            centre = rng.choice(SHIFT_CHANGES)
            fraction = rng.gauss(centre, BURST_WIDTH)
        else:
            fraction = rng.random()
        offsets.append(min(max(fraction, 0.0), 1.0) * duration)
    return sorted(offsets)


def _owner_text(org: _Org, rng: random.Random) -> str:
    assert org.open_tasks is not None
    says = OWNER_SAYS[org.language]
    kind = rng.choices([k for k, _ in OWNER_MIX], [w for _, w in OWNER_MIX])[0]
    if len(org.open_tasks) > MAX_OPEN_TASKS or (kind == "done" and org.open_tasks):
        return rng.choice(says["done"]).format(n=org.open_tasks.pop(0))
    if kind in ("task", "done"):
        who = rng.choice(org.quiet)
        org.tasks_made += 1
        org.open_tasks.append(org.tasks_made)
        return rng.choice(says["task"]).format(
            who=who.name.split()[0] if rng.random() < 0.5 else who.name,
            chore=rng.choice(CHORES[org.language]),
            when=rng.choice(WHEN[org.language]),
        )
    return rng.choice(says[kind])


def generate(
    orgs: int,
    messages: int,
    *,
    members_per_org: int = 10,
    duration: float | None = None,
    seed: int = 1,
) -> tuple[list[RosterOrg], list[Record]]:
    """`messages` inbound messages from `orgs` organizations over `duration` seconds
    (default: 20 messages a second on average), and the roster they come from."""
    rng = random.Random(seed)
    made = make_roster(orgs, members_per_org, rng)
    span = duration if duration is not None else max(messages / 20, 1.0)
    records = []
    for offset in _offsets(messages, span, rng):
        org = rng.choice(made)
        # Owners write about half of everything; each asker less often.
        if rng.random() < 0.5 or not org.askers:
            text, sender = _owner_text(org, rng), org.owner
        else:
            sender = rng.choice(org.askers)
            text = rng.choice(STAFF_SAYS[org.language])
        records.append(Record(offset, sender.phone, text))
    return [org.roster for org in made], records


def peak_rate(records: Sequence[Record], window: float = 1.0) -> float:
    """The most messages in any `window` seconds of the recording, per second."""
    offsets = [r.offset for r in records]
    best, start = 0, 0
    for end, offset in enumerate(offsets):
        while offsets[start] < offset - window:
            start += 1
        best = max(best, end - start + 1)
    return best / window if not math.isclose(window, 0) else float(best)

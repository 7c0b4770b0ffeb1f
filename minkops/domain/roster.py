"""Match a name as someone wrote it to the organization's roster."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import DamerauLevenshtein

from minkops.domain.understanding import RosterEntry


@dataclass(frozen=True)
class Resolved:
    entry: RosterEntry


@dataclass(frozen=True)
class Ambiguous:
    candidates: tuple[RosterEntry, ...]


@dataclass(frozen=True)
class NotFound:
    pass


Resolution = Resolved | Ambiguous | NotFound


@lru_cache(maxsize=8192)  # names and words recur on every message; folding is pure
def fold(text: str) -> str:
    """Lowercase, strip accents, keep letters/digits, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(
        ch if ch.isalnum() else " " for ch in decomposed if not unicodedata.combining(ch)
    )
    return " ".join(kept.split())


def _allowed_typos(token: str) -> int:
    # Short names differ by one letter too often (Ana/Eva) to allow a typo.
    if len(token) <= 3:
        return 0
    return 1 if len(token) <= 6 else 2


def _token_cost(query: str, candidate: str) -> int | None:
    if query == candidate:
        return 0
    if len(query) == 1:
        # An initial ("Juan P") matches a token starting with it.
        return 0 if candidate.startswith(query) else None
    distance = DamerauLevenshtein.distance(query, candidate)
    return distance if distance <= _allowed_typos(query) else None


def _match_cost(query_tokens: list[str], entry_tokens: list[str]) -> int | None:
    """Cost of matching every query token to a distinct entry token, greedily."""
    free = list(entry_tokens)
    total = 0
    for token in query_tokens:
        best: tuple[int, int] | None = None
        for index, candidate in enumerate(free):
            cost = _token_cost(token, candidate)
            if cost is not None and (best is None or cost < best[0]):
                best = (cost, index)
        if best is None:
            return None
        total += best[0]
        free.pop(best[1])
    return total


def resolve_name(name: str, roster: Iterable[RosterEntry]) -> Resolution:
    """Resolve `name` against `roster`: case- and accent-insensitive, first or last
    name alone, initials, and small typos ("Jaun" → Juan)."""
    entries = tuple(roster)
    query = fold(name)
    if not query:
        return NotFound()
    exact = tuple(entry for entry in entries if fold(entry.name) == query)
    if exact:
        return Resolved(exact[0]) if len(exact) == 1 else Ambiguous(exact)

    query_tokens = query.split()
    costs: list[tuple[int, RosterEntry]] = []
    for entry in entries:
        cost = _match_cost(query_tokens, fold(entry.name).split())
        if cost is not None:
            costs.append((cost, entry))
    if not costs:
        return NotFound()
    best = min(cost for cost, _ in costs)
    winners = tuple(entry for cost, entry in costs if cost == best)
    return Resolved(winners[0]) if len(winners) == 1 else Ambiguous(winners)

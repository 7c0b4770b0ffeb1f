from __future__ import annotations

from minkops.domain.roster import Ambiguous, NotFound, Resolved, fold, resolve_name
from minkops.domain.understanding import RosterEntry

ANA = RosterEntry("Ana García", "admin", "es")
JUAN_P = RosterEntry("Juan Pérez", "staff", "es")
JUAN_M = RosterEntry("Juan Mora", "staff", "es")
LUIS = RosterEntry("Luis Fernández", "staff", "es")
ROSTER = (ANA, JUAN_P, JUAN_M, LUIS)


def test_fold_strips_case_accents_and_punctuation() -> None:
    assert fold("  JUAN  Pérez-Núñez ") == "juan perez nunez"


def test_first_name_matches_uniquely() -> None:
    assert resolve_name("Juan", (ANA, JUAN_P)) == Resolved(JUAN_P)
    assert resolve_name("luis", ROSTER) == Resolved(LUIS)


def test_accents_and_case_do_not_matter() -> None:
    assert resolve_name("juan perez", ROSTER) == Resolved(JUAN_P)
    assert resolve_name("ANA GARCIA", ROSTER) == Resolved(ANA)
    assert resolve_name("Luis Fernandez", ROSTER) == Resolved(LUIS)


def test_two_juans_are_ambiguous() -> None:
    assert resolve_name("Juan", ROSTER) == Ambiguous((JUAN_P, JUAN_M))


def test_last_name_or_initial_disambiguates() -> None:
    assert resolve_name("Mora", ROSTER) == Resolved(JUAN_M)
    assert resolve_name("Juan P", ROSTER) == Resolved(JUAN_P)
    assert resolve_name("Juan Mora", ROSTER) == Resolved(JUAN_M)


def test_typo_is_tolerated() -> None:
    assert resolve_name("Jaun", (ANA, JUAN_P)) == Resolved(JUAN_P)
    assert resolve_name("Jaun", ROSTER) == Ambiguous((JUAN_P, JUAN_M))
    assert resolve_name("Luiz", ROSTER) == Resolved(LUIS)
    assert resolve_name("Juan Perz", ROSTER) == Resolved(JUAN_P)


def test_short_names_need_an_exact_match() -> None:
    assert resolve_name("Eva", (ANA,)) == NotFound()
    assert resolve_name("Ana", (ANA,)) == Resolved(ANA)


def test_unknown_and_empty_names_are_not_found() -> None:
    assert resolve_name("Pedro", ROSTER) == NotFound()
    assert resolve_name("  ", ROSTER) == NotFound()
    assert resolve_name("Juan", ()) == NotFound()


def test_exact_full_name_beats_prefix() -> None:
    juan = RosterEntry("Juan", "staff", "es")
    assert resolve_name("Juan", (juan, JUAN_P)) == Resolved(juan)

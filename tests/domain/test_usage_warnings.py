"""The admin warnings every counted message carries: their texts are formatted once per
language, plan and cap (domain.billing._warning_text), so they must still name each one's own."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from minkops.domain import billing as b
from minkops.domain.inbound import InboundMessage
from tests.domain.test_handlers import ANA, state

PLANS = b.Plans((b.Plan("free", 5, 3, 2, 10), b.Plan("team", 50, 30, 20, 10, "price_team")))
NOW = datetime(2026, 3, 3, 10, tzinfo=UTC)


def _texts(plan: str, language: str) -> dict[tuple[str, int], str]:
    admin = replace(ANA, language=language)
    org_state = state(members=(admin,))
    org_state = replace(org_state, org=replace(org_state.org, plan=plan))
    count = b.count_usage(org_state, PLANS, InboundMessage("SM1", admin.phone, text="hi"), (), NOW)
    return {(w.what, w.percent): w.sends[0].body for w in count.warnings}


def test_each_plan_and_language_gets_its_own_warning_text() -> None:
    free, team = _texts("free", "en"), _texts("team", "en")
    assert "(5 on the free plan)" in free[("messages", 80)]
    assert "(50 on the team plan)" in team[("messages", 80)]
    assert "(30 on the team plan)" in team[("tasks", 100)]
    spanish = _texts("team", "es")[("messages", 80)]
    assert spanish != team[("messages", 80)] and "50" in spanish

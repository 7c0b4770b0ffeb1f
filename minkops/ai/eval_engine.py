"""The OpenAI engine for `scripts/evaluate --engine openai` (minkops.eval's ENGINES).

Settings come from the environment as for the service (OPENAI_API_KEY, and
OPENAI_BASE_URL for a stand-in). The fallback knows nothing, so every OpenAI failure
shows up in the table as a failed row rather than as the rule engine's answer.
"""

from __future__ import annotations

import os

from minkops.ai.client import make_openai_client
from minkops.ai.openai_understanding import OpenAIUnderstanding
from minkops.domain.intents import Understood, Unknown
from minkops.domain.understanding import Understanding, UnderstandingContext
from minkops.settings import load_settings


class _KnowsNothing:
    def understand(self, text: str, context: UnderstandingContext) -> Understood:
        return Understood(language=context.language, intent=Unknown())


def openai_engine() -> Understanding:
    """Raises LookupError without an API key (the evaluation then skips OpenAI)."""
    settings = load_settings(os.environ).openai
    if not settings.api_key:
        raise LookupError("the openai engine needs OPENAI_API_KEY")
    return OpenAIUnderstanding(make_openai_client(settings), settings, _KnowsNothing())

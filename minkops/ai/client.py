"""The one place an OpenAI client is built from settings."""

from __future__ import annotations

import openai

from minkops.settings import OpenAISettings


def make_openai_client(settings: OpenAISettings) -> openai.OpenAI:
    """A synchronous client (it is called from actor threads).

    The SDK retries 408/409/429/5xx and connection errors `max_retries` times with
    backoff (honouring `retry-after`); `timeout` bounds each attempt.
    """
    if not settings.api_key:
        raise ValueError("an OpenAI client needs openai.api_key (OPENAI_API_KEY)")
    return openai.OpenAI(
        api_key=settings.api_key,
        base_url=settings.base_url or None,
        timeout=settings.timeout_seconds,
        max_retries=settings.max_retries,
    )

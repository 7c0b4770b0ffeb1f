"""How the Twilio stand-in calls a webhook: signed as Twilio signs, retried only as Twilio's
connection overrides say.

Twilio reads overrides from the webhook URL's fragment (``https://host/path#rc=2&rp=all``);
the fragment is never sent. From Twilio's "Webhook connection overrides" page:

====  ==================  ==========  =========
key   meaning             range       default
====  ==================  ==========  =========
ct    connect timeout     100–10000   5000 ms
rt    read timeout        100–15000   15000 ms
tt    total time          100–15000   15000 ms (every attempt included)
rc    retry count         0–5         1
rp    retry policy        4xx, 5xx,   ct
                          ct, rt, all
e     edge                            (accepted, ignored here)
sni   SNI                 y, n        (accepted, ignored here)
====  ==================  ==========  =========

So with no fragment at all Twilio tries a connection twice (its error 11205: "two 5-second
attempts") and never retries an HTTP error: a 500 or 503 from the service is, by default, a
lost webhook. An invalid ``rp`` is Twilio's error 11243. The signature is computed over the URL
without its fragment, which is what the receiver sees and validates against.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from aiohttp import (
    ClientConnectorError,
    ClientError,
    ClientOSError,
    ClientSession,
    ClientTimeout,
    ConnectionTimeoutError,
)

from minkops.twilio_client import sign_twilio_request

USER_AGENT = "TwilioProxy/1.1"
RETRY_POLICIES = frozenset({"4xx", "5xx", "ct", "rt", "all"})
INVALID_RETRY_POLICY = 11243
_RANGES = {"ct": (100, 10000), "rt": (100, 15000), "tt": (100, 15000), "rc": (0, 5)}


class WebhookUrlError(ValueError):
    """A connection override Twilio would refuse; ``code`` is Twilio's error code if it has one."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message if code is None else f"{message} (Twilio error {code})")
        self.code = code


@dataclass(frozen=True)
class ConnectionOverrides:
    connect_timeout_ms: int = 5000
    read_timeout_ms: int = 15000
    total_time_ms: int = 15000
    retry_count: int = 1
    retry_policy: frozenset[str] = frozenset({"ct"})

    @classmethod
    def parse(cls, fragment: str) -> ConnectionOverrides:
        values: dict[str, int] = {}
        policy = cls.retry_policy
        for key, raw in parse_qsl(fragment, keep_blank_values=True):
            if key == "rp":
                policy = frozenset(p.strip() for p in raw.split(","))
                if not policy or not policy <= RETRY_POLICIES:
                    raise WebhookUrlError(f"invalid retry policy rp={raw}", INVALID_RETRY_POLICY)
            elif key in _RANGES:
                low, high = _RANGES[key]
                if not raw.isdigit() or not low <= int(raw) <= high:
                    raise WebhookUrlError(f"{key}={raw} is outside {low}–{high}")
                values[key] = int(raw)
            elif key not in ("e", "edge", "sni"):
                raise WebhookUrlError(f"unknown connection override {key}")
        return cls(
            connect_timeout_ms=values.get("ct", cls.connect_timeout_ms),
            read_timeout_ms=values.get("rt", cls.read_timeout_ms),
            total_time_ms=values.get("tt", cls.total_time_ms),
            retry_count=values.get("rc", cls.retry_count),
            retry_policy=policy,
        )

    def retries(self, failure: str) -> bool:
        return "all" in self.retry_policy or failure in self.retry_policy


def split_webhook_url(url: str) -> tuple[str, ConnectionOverrides]:
    """The URL Twilio requests (no fragment) and the overrides its fragment carries."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise WebhookUrlError(f"not an http(s) URL: {url}")
    bare = urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
    return bare, ConnectionOverrides.parse(parts.fragment)


@dataclass(frozen=True)
class WebhookAttempt:
    """One request: the HTTP status it got, or why it got none (``ct`` or ``rt``)."""

    http_status: int | None
    failure: str | None  # "4xx", "5xx", "ct", "rt" or None for a 2xx/3xx answer
    detail: str = ""


@dataclass(frozen=True)
class WebhookOutcome:
    url: str
    attempts: tuple[WebhookAttempt, ...]

    @property
    def http_status(self) -> int | None:
        return self.attempts[-1].http_status if self.attempts else None

    @property
    def error(self) -> str | None:
        """Why the last attempt got no answer at all; None when it got one (even a 5xx)."""
        if not self.attempts:
            return "no attempt within the total time"
        last = self.attempts[-1]
        return (last.detail or last.failure) if last.http_status is None else None


def _failure_of(status: int) -> str | None:
    if status >= 500:
        return "5xx"
    return "4xx" if status >= 400 else None


async def call_webhook(
    session: ClientSession, url: str, params: Mapping[str, str], auth_token: str
) -> WebhookOutcome:
    """POST ``params`` to ``url`` as Twilio would, retrying per its connection overrides."""
    bare, overrides = split_webhook_url(url)
    headers = {
        "X-Twilio-Signature": sign_twilio_request(auth_token, bare, params),
        "User-Agent": USER_AGENT,
        # The same token on every attempt, so a receiver can tell a retry from a new event.
        "I-Twilio-Idempotency-Token": str(uuid.uuid4()),
    }
    loop = asyncio.get_running_loop()
    deadline = loop.time() + overrides.total_time_ms / 1000
    attempts: list[WebhookAttempt] = []
    for _ in range(1 + overrides.retry_count):
        remaining = deadline - loop.time()
        if remaining <= 0:
            break
        timeout = ClientTimeout(
            total=remaining,
            sock_connect=overrides.connect_timeout_ms / 1000,
            sock_read=overrides.read_timeout_ms / 1000,
        )
        try:
            async with session.post(
                bare, data=dict(params), headers=headers, timeout=timeout, allow_redirects=False
            ) as response:
                await response.read()
                attempt = WebhookAttempt(response.status, _failure_of(response.status))
        except (ClientConnectorError, ConnectionTimeoutError) as error:
            attempt = WebhookAttempt(None, "ct", repr(error))
        except (TimeoutError, ClientOSError, ClientError) as error:
            # Connected, but no (complete) answer in time: Twilio's read timeout.
            attempt = WebhookAttempt(None, "rt", repr(error))
        attempts.append(attempt)
        if attempt.failure is None or not overrides.retries(attempt.failure):
            break
    return WebhookOutcome(bare, tuple(attempts))

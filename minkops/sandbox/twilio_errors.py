"""Twilio's error answers, shared by every API the Twilio stand-in serves.

Messages (api.twilio.com) and Content (content.twilio.com) answer errors in one JSON shape,
which the twilio SDK turns into a ``TwilioRestException`` carrying ``code`` and ``status``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aiohttp import web


@dataclass(frozen=True)
class Failure:
    """An HTTP status and a Twilio error code with its message."""

    status: int
    code: int
    message: str


class TwilioError(Exception):
    """Raised by a handler to answer a Twilio-shaped error."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.failure = Failure(status, code, message)


def not_found(path: str) -> TwilioError:
    return TwilioError(404, 20404, f"The requested resource {path} was not found")


def error_response(failure: Failure, headers: Mapping[str, str] | None = None) -> web.Response:
    return web.json_response(
        {
            "code": failure.code,
            "message": failure.message,
            "more_info": f"https://www.twilio.com/docs/errors/{failure.code}",
            "status": failure.status,
        },
        status=failure.status,
        headers=headers,
    )

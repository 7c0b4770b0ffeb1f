"""Ask a running Twilio stand-in to deliver an inbound WhatsApp message, for `minkops chat`.

Only the stand-in has this route (`POST /sandbox/inbound`): it posts the message to the
service's webhook exactly as Twilio would (signed, `MessageSid`, `WaId`, media URLs…) and
opens the 24-hour window, so replies go out as they would in production.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import urllib3

from minkops.sandbox.twilio_api import SANDBOX_INBOUND_PATH
from minkops.sandbox.twilio_media_upload import MediaUploadError

# The stand-in answers once the service has answered (Twilio waits up to 15 s for it).
_TIMEOUT_SECONDS = 30.0


class InboundError(MediaUploadError):
    """The stand-in did not take the message (not running, wrong credentials, bad input)."""


@dataclass(frozen=True)
class Delivered:
    message_sid: str
    http_status: int | None  # what the service answered; None if it could not be reached
    attempts: int
    error: str | None


def send_inbound(
    api_base: str,
    account_sid: str,
    auth_token: str,
    *,
    sender: str,
    to: str,
    webhook_url: str,
    body: str = "",
    media_urls: Sequence[str] = (),
) -> Delivered:
    """Have the stand-in at `api_base` deliver `body` from `sender` to our number `to`."""
    headers = urllib3.make_headers(basic_auth=f"{account_sid}:{auth_token}")
    headers["Content-Type"] = "application/json"
    payload = {
        "from": sender,
        "to": to,
        "body": body,
        "media_urls": list(media_urls),
        "webhook_url": webhook_url,
        "profile_name": "MinkOps chat",
    }
    try:
        response = urllib3.request(
            "POST",
            api_base.rstrip("/") + SANDBOX_INBOUND_PATH,
            body=json.dumps(payload).encode(),
            headers=headers,
            timeout=_TIMEOUT_SECONDS,
            retries=False,
        )
    except urllib3.exceptions.HTTPError as error:
        raise InboundError(f"cannot reach the Twilio stand-in at {api_base}: {error}") from None
    try:
        answer = json.loads(response.data)
    except ValueError:
        answer = {}
    if response.status != 200 or not isinstance(answer, dict) or "message_sid" not in answer:
        detail = answer.get("message") if isinstance(answer, dict) else None
        raise InboundError(
            f"the Twilio stand-in refused the message: HTTP {response.status}"
            + (f" ({detail})" if detail else "")
        )
    status = answer.get("http_status")
    return Delivered(
        message_sid=str(answer["message_sid"]),
        http_status=status if isinstance(status, int) else None,
        attempts=int(answer.get("attempts") or 0),
        error=answer.get("error") if isinstance(answer.get("error"), str) else None,
    )

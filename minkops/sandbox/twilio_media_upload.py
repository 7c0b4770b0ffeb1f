"""Put an attachment on a running Twilio stand-in, for `minkops chat --voice FILE`.

Only the stand-in has this route (`POST /sandbox/media`); real Twilio gets media URLs from
WhatsApp itself.
"""

from __future__ import annotations

import json

import urllib3

from minkops.sandbox.twilio_api import SANDBOX_MEDIA_PATH

_TIMEOUT_SECONDS = 30.0


class MediaUploadError(Exception):
    """The stand-in did not take the upload (not running, wrong credentials, bad media)."""


def upload_media(
    api_base: str, account_sid: str, auth_token: str, data: bytes, content_type: str
) -> str:
    """Store `data` on the stand-in at `api_base`; return the Twilio media URL to send."""
    headers = urllib3.make_headers(basic_auth=f"{account_sid}:{auth_token}")
    headers["Content-Type"] = content_type
    try:
        response = urllib3.request(
            "POST",
            api_base.rstrip("/") + SANDBOX_MEDIA_PATH,
            body=data,
            headers=headers,
            timeout=_TIMEOUT_SECONDS,
            retries=False,
        )
    except urllib3.exceptions.HTTPError as error:
        raise MediaUploadError(f"cannot reach the Twilio stand-in at {api_base}: {error}") from None
    try:
        body = json.loads(response.data)
    except ValueError:
        body = {}
    if response.status != 201 or not isinstance(body, dict) or not isinstance(body.get("url"), str):
        detail = body.get("message") if isinstance(body, dict) else None
        raise MediaUploadError(
            f"the Twilio stand-in refused the upload: HTTP {response.status}"
            + (f" ({detail})" if detail else "")
        )
    url: str = body["url"]
    return url

"""Twilio's form fields, checked and typed: the only code that reads them.

Field shapes are validated here, not trusted because the signature is good: Twilio's
signature covers the concatenated name+value pairs, so a value can be shifted across a
field boundary and still verify. Anything malformed is a `FormError` (a 400).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from minkops.domain.inbound import Attachment, InboundMessage, Location
from minkops.domain.phones import InvalidPhone, phone_from_whatsapp

MESSAGE_SID = re.compile(r"^(?:SM|MM)[0-9a-f]{32}$")
MAX_FIELDS = 200
"""Twilio sends a few dozen fields; hundreds more are not Twilio."""
MAX_MEDIA = 10  # Twilio's own limit per message
MAX_ERROR_CODE = 99_999  # Twilio error codes have five digits
STATUSES = frozenset(
    {"queued", "sending", "sent", "delivered", "read", "failed", "undelivered", "accepted"}
)
_DIGITS = re.compile(r"^[0-9]{1,6}$")  # ASCII only: "²".isdigit() is True, int("²") fails


class FormError(ValueError):
    """A form Twilio would not send; the message says which field and why."""


@dataclass(frozen=True)
class StatusUpdate:
    message_sid: str
    status: str
    error_code: int | None
    error_message: str | None


def check_size(form: Mapping[str, str]) -> None:
    if len(form) > MAX_FIELDS:
        raise FormError(f"too many form fields ({len(form)} > {MAX_FIELDS})")


def inbound_message(form: Mapping[str, str]) -> InboundMessage:
    """The typed message of an inbound WhatsApp webhook."""
    check_size(form)
    sid = _message_sid(form)
    address = _required(form, "From")
    try:
        sender = phone_from_whatsapp(address)
    except InvalidPhone:
        raise FormError("From is not a WhatsApp phone address") from None
    return InboundMessage(
        sid=sid,
        sender=sender,
        text=form.get("Body", ""),
        attachments=_attachments(form),
        button_payload=form.get("ButtonPayload") or None,
        button_text=form.get("ButtonText") or None,
        replied_to=_optional_sid(form, "OriginalRepliedMessageSid"),
        location=_location(form),
        profile_name=form.get("ProfileName") or None,
    )


def status_update(form: Mapping[str, str]) -> StatusUpdate:
    """A message status callback."""
    check_size(form)
    sid = _message_sid(form)
    status = _required(form, "MessageStatus")
    if status not in STATUSES:
        raise FormError(f"unknown MessageStatus {status[:40]!r}")
    return StatusUpdate(
        message_sid=sid,
        status=status,
        error_code=_error_code(form.get("ErrorCode", "")),
        error_message=form.get("ErrorMessage") or None,
    )


def _required(form: Mapping[str, str], name: str) -> str:
    value = form.get(name, "")
    if not value:
        raise FormError(f"missing form field {name}")
    return value


def _message_sid(form: Mapping[str, str]) -> str:
    sid = _required(form, "MessageSid")
    if not MESSAGE_SID.match(sid):
        raise FormError("MessageSid is not a Twilio message SID")
    return sid


def _optional_sid(form: Mapping[str, str], name: str) -> str | None:
    value = form.get(name) or None
    if value is not None and not MESSAGE_SID.match(value):
        raise FormError(f"{name} is not a Twilio message SID")
    return value


def _attachments(form: Mapping[str, str]) -> tuple[Attachment, ...]:
    raw = form.get("NumMedia", "0") or "0"
    if not _DIGITS.match(raw) or int(raw) > MAX_MEDIA:
        raise FormError(f"NumMedia must be a whole number up to {MAX_MEDIA}")
    attachments = []
    for index in range(int(raw)):
        url = form.get(f"MediaUrl{index}", "")
        content_type = form.get(f"MediaContentType{index}", "")
        if not url.startswith(("https://", "http://")) or len(url) > 2048:
            raise FormError(f"MediaUrl{index} is not a URL")
        if "/" not in content_type or len(content_type) > 200:
            raise FormError(f"MediaContentType{index} is not a media type")
        attachments.append(Attachment(url, content_type.lower()))
    return tuple(attachments)


def _location(form: Mapping[str, str]) -> Location | None:
    latitude, longitude = form.get("Latitude"), form.get("Longitude")
    if latitude is None and longitude is None:
        return None
    try:
        lat, lon = float(latitude or ""), float(longitude or "")
    except ValueError:
        raise FormError("Latitude and Longitude must be numbers") from None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise FormError("Latitude or Longitude out of range")
    label = form.get("Label") or form.get("Address") or None
    return Location(lat, lon, label)


def _error_code(raw: str) -> int | None:
    if not raw:
        return None
    if not _DIGITS.match(raw) or int(raw) > MAX_ERROR_CODE:
        raise FormError("ErrorCode is not a Twilio error code")
    return int(raw)

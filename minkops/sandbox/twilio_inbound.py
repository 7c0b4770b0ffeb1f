"""The form Twilio posts to a messaging webhook when a WhatsApp user writes, taps or speaks.

Field names and values follow what Twilio sends for WhatsApp (text, media, quick-reply taps,
quoted replies): ``MessageSid`` is ``SM…`` for text and ``MM…`` for media (34 characters),
``WaId`` is the sender's digits, ``SmsStatus`` is ``received``. A tap on a quick-reply button
carries ``ButtonText``/``ButtonPayload`` and names the message tapped in
``OriginalRepliedMessageSid``/``OriginalRepliedMessageSender``; its ``MessageType`` is
``button`` for an approved template and ``interactive`` for a session message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

API_VERSION = "2010-04-01"
MAX_INBOUND_BODY = 4096  # WhatsApp's limit on a user's text
DEFAULT_PROFILE_NAME = "Stand-in user"


@dataclass(frozen=True)
class ButtonTap:
    title: str  # ButtonText
    payload: str  # ButtonPayload
    template: bool  # tapped on an approved template (not a session message)


@dataclass(frozen=True)
class RepliedTo:
    sid: str
    sender: str  # "whatsapp:+…", the number that sent the message replied to


def message_type(media_types: Sequence[str], tap: ButtonTap | None) -> str:
    if tap is not None:
        return "button" if tap.template else "interactive"
    if not media_types:
        return "text"
    kind = media_types[0].split("/")[0]
    return kind if kind in ("image", "audio", "video") else "document"


def inbound_form(
    *,
    account_sid: str,
    message_sid: str,
    sender: str,
    recipient: str,
    body: str,
    media: Sequence[tuple[str, str]] = (),
    profile_name: str = DEFAULT_PROFILE_NAME,
    replied_to: RepliedTo | None = None,
    tap: ButtonTap | None = None,
) -> dict[str, str]:
    """The form for a message from ``sender`` to ``recipient`` (both E.164, no prefix)."""
    form = {
        "SmsMessageSid": message_sid,
        "NumMedia": str(len(media)),
        "ProfileName": profile_name,
        "MessageType": message_type([t for _, t in media], tap),
        "SmsSid": message_sid,
        "WaId": sender.lstrip("+"),
        "SmsStatus": "received",
        "Body": body,
        "To": f"whatsapp:{recipient}",
        "NumSegments": "1",
        "ReferralNumMedia": "0",
        "MessageSid": message_sid,
        "AccountSid": account_sid,
        "From": f"whatsapp:{sender}",
        "ApiVersion": API_VERSION,
    }
    for index, (url, content_type) in enumerate(media):
        form[f"MediaContentType{index}"] = content_type
        form[f"MediaUrl{index}"] = url
    if tap is not None:
        form["ButtonText"] = tap.title
        form["ButtonPayload"] = tap.payload
    if replied_to is not None:
        form["OriginalRepliedMessageSender"] = replied_to.sender
        form["OriginalRepliedMessageSid"] = replied_to.sid
    return form

"""One inbound WhatsApp message, typed: what the edge read from Twilio's form.

Only `minkops/http/` reads Twilio's raw form fields; everything past it sees this.
It is also what the inbox stores (as JSON), so a message read back after a restart
is the same message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Attachment:
    url: str = field(repr=False)  # a bearer capability at Twilio: kept out of reprs and logs
    content_type: str

    @property
    def is_audio(self) -> bool:
        return self.content_type.startswith("audio/")


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    label: str | None = None


@dataclass(frozen=True)
class InboundMessage:
    sid: str
    """Twilio's MessageSid: the dedup key, and the root of every reply's idempotency key."""
    sender: str
    """E.164."""
    text: str = ""
    attachments: tuple[Attachment, ...] = ()
    button_payload: str | None = None
    """A quick-reply button's id, when the person tapped one."""
    button_text: str | None = None
    replied_to: str | None = None
    """The MessageSid of our message this one answers (a swipe-reply or a button)."""
    location: Location | None = None
    profile_name: str | None = None

    @property
    def voice_note(self) -> Attachment | None:
        return next((a for a in self.attachments if a.is_audio), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "sid": self.sid,
            "sender": self.sender,
            "text": self.text,
            "attachments": [
                {"url": a.url, "content_type": a.content_type} for a in self.attachments
            ],
            "button_payload": self.button_payload,
            "button_text": self.button_text,
            "replied_to": self.replied_to,
            "location": None
            if self.location is None
            else {
                "latitude": self.location.latitude,
                "longitude": self.location.longitude,
                "label": self.location.label,
            },
            "profile_name": self.profile_name,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> InboundMessage:
        """Read back what `to_json` wrote. After the 24-hour purge only sid and sender remain."""
        location = data.get("location")
        return cls(
            sid=str(data["sid"]),
            sender=str(data["sender"]),
            text=str(data.get("text") or ""),
            attachments=tuple(
                Attachment(str(a["url"]), str(a["content_type"]))
                for a in data.get("attachments") or ()
            ),
            button_payload=data.get("button_payload"),
            button_text=data.get("button_text"),
            replied_to=data.get("replied_to"),
            location=None
            if not location
            else Location(
                float(location["latitude"]), float(location["longitude"]), location.get("label")
            ),
            profile_name=data.get("profile_name"),
        )

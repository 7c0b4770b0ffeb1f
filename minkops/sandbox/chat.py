"""`minkops chat`: be a WhatsApp user, and print the replies as they reach the Twilio API (read
back with the twilio SDK).

Against the Twilio stand-in (`minkops dev`), each message goes through the stand-in, which
posts it to the service exactly as Twilio would and opens the 24-hour window, so replies are
held to the same rules as in production. Pointed at real Twilio, chat signs and posts the
webhook itself (`inbound_form`, `post_signed`: tests use these too).
"""

from __future__ import annotations

import asyncio
import secrets
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

import aiohttp

from minkops.sandbox.twilio_media_upload import MediaUploadError, upload_media
from minkops.sandbox.twilio_sandbox_client import send_inbound
from minkops.twilio_client import make_twilio_client, sign_twilio_request


@dataclass(frozen=True)
class ChatTarget:
    public_url: str
    account_sid: str
    auth_token: str
    whatsapp_number: str
    twilio_api_base: str

    @property
    def webhook_url(self) -> str:
        return f"{self.public_url}/twilio/whatsapp"

    @property
    def standin(self) -> bool:
        """Whether the Twilio API here is the stand-in (anything but a Twilio host)."""
        host = urlsplit(self.twilio_api_base).hostname or ""
        return not (host == "twilio.com" or host.endswith(".twilio.com"))


def inbound_form(
    target: ChatTarget, phone: str, body: str, media: Iterable[tuple[str, str]] = ()
) -> dict[str, str]:
    """The form Twilio posts for a WhatsApp message from `phone`."""
    sid = "SM" + secrets.token_hex(16)
    form = {
        "SmsMessageSid": sid,
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": target.account_sid,
        "From": f"whatsapp:{phone}",
        "To": f"whatsapp:{target.whatsapp_number}",
        "Body": body,
        "WaId": phone.lstrip("+"),
        "ProfileName": "MinkOps chat",
        "MessageType": "text",
        "SmsStatus": "received",
        "NumSegments": "1",
        "ReferralNumMedia": "0",
        "ApiVersion": "2010-04-01",
    }
    media = list(media)
    form["NumMedia"] = str(len(media))
    for index, (url, content_type) in enumerate(media):
        form[f"MediaUrl{index}"] = url
        form[f"MediaContentType{index}"] = content_type
    if media:
        form["MessageType"] = "audio" if media[0][1].startswith("audio/") else "image"
    return form


async def post_signed(target: ChatTarget, form: dict[str, str]) -> int:
    url = f"{target.public_url}/twilio/whatsapp"
    signature = sign_twilio_request(target.auth_token, url, form)
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=form, headers={"X-Twilio-Signature": signature}) as response,
    ):
        return response.status


_IN_FLIGHT = frozenset({"accepted", "queued", "sending", "sent"})


class ReplyPrinter(threading.Thread):
    """Polls the Twilio API for messages to `phone` and prints each new one once."""

    def __init__(self, target: ChatTarget, phone: str, out: TextIO, interval: float = 0.4) -> None:
        super().__init__(daemon=True)
        self._client = make_twilio_client(
            target.account_sid, target.auth_token, target.twilio_api_base
        )
        self._to = f"whatsapp:{phone}"
        # The stand-in settles a message within milliseconds: wait for that, to say whether
        # it reached the phone (a reply outside the 24-hour window fails with 63016).
        self._wait_for_outcome = target.standin
        self._out = out
        self._interval = interval
        self._seen = {m.sid for m in self._client.messages.list(to=self._to, limit=1000)}
        self._stop = threading.Event()
        self.last_reply_at = time.monotonic()
        self.replies = 0

    def run(self) -> None:
        while not self._stop.wait(self._interval):
            self.poll()

    def poll(self) -> None:
        try:
            messages = self._client.messages.list(to=self._to, limit=100)
        except Exception as error:
            print(f"(cannot read replies: {error})", file=sys.stderr)
            return
        for message in reversed(messages):
            if message.sid in self._seen:
                continue
            if self._wait_for_outcome and message.status in _IN_FLIGHT:
                continue
            self._seen.add(message.sid)
            self.replies += 1
            self.last_reply_at = time.monotonic()
            if message.status in ("failed", "undelivered"):
                note = f"not delivered, Twilio error {message.error_code}"
                print(f"\nMinkOps ({note}): {message.body}", file=self._out, flush=True)
            else:
                print(f"\nMinkOps: {message.body}", file=self._out, flush=True)

    def stop(self) -> None:
        self._stop.set()


AUDIO_TYPES = {".ogg": "audio/ogg", ".opus": "audio/ogg", ".mp3": "audio/mpeg", ".m4a": "audio/mp4"}


def voice_form(target: ChatTarget, phone: str, path: Path) -> dict[str, str]:
    """Upload a voice note where the Twilio API serves media, and the form Twilio would post."""
    return inbound_form(target, phone, "", [_voice_media(target, path)])


def _send(target: ChatTarget, phone: str, text: str, media: Sequence[tuple[str, str]]) -> bool:
    """Deliver one message; say on stderr and return False if the service did not take it."""
    if target.standin:
        delivered = send_inbound(
            target.twilio_api_base,
            target.account_sid,
            target.auth_token,
            sender=phone,
            to=target.whatsapp_number,
            webhook_url=target.webhook_url,
            body=text,
            media_urls=[url for url, _ in media],
        )
        status, error = delivered.http_status, delivered.error
    else:
        status, error = (
            asyncio.run(post_signed(target, inbound_form(target, phone, text, media))),
            None,
        )
    if status == 200:
        return True
    if status is None:
        print(f"(the service could not be reached: {error})", file=sys.stderr)
    else:
        print(f"(the service answered HTTP {status})", file=sys.stderr)
    return False


def _voice_media(target: ChatTarget, path: Path) -> tuple[str, str]:
    content_type = AUDIO_TYPES.get(path.suffix.lower())
    if content_type is None:
        raise ValueError(f"{path}: a voice note must be one of {', '.join(AUDIO_TYPES)}")
    url = upload_media(
        target.twilio_api_base,
        target.account_sid,
        target.auth_token,
        path.read_bytes(),
        content_type,
    )
    return url, content_type


def run_chat(
    target: ChatTarget,
    phone: str,
    lines: TextIO,
    out: TextIO,
    *,
    voice: Path | None = None,
    settle: float = 3.0,
) -> int:
    """Send each line of `lines` as a message (or one voice note); wait for replies to settle."""
    printer = ReplyPrinter(target, phone, out)
    printer.start()
    try:
        if voice is not None:
            try:
                sent = _send(target, phone, "", [_voice_media(target, voice)])
            finally:
                printer.stop()
            return _settle(printer, settle) if sent else 1
        return _chat_lines(target, phone, lines, out, printer, settle)
    except MediaUploadError as error:
        printer.stop()
        print(f"({error})", file=sys.stderr)
        return 1


def _chat_lines(
    target: ChatTarget, phone: str, lines: TextIO, out: TextIO, printer: ReplyPrinter, settle: float
) -> int:
    interactive = lines.isatty()
    if interactive:
        print(f"Chatting as {phone} with {target.public_url}. Ctrl-D to quit.", file=out)
    try:
        while True:
            if interactive:
                print("> ", end="", file=out, flush=True)
            line = lines.readline()
            if not line:
                break
            text = line.strip()
            if not text:
                continue
            if not _send(target, phone, text, []):
                return 1
            printer.last_reply_at = time.monotonic()
    finally:
        printer.stop()
    return _settle(printer, settle)


def _settle(printer: ReplyPrinter, settle: float) -> int:
    """Replies arrive after the webhook is answered: print them until none came for `settle` s."""
    printer.last_reply_at = time.monotonic()
    while time.monotonic() - printer.last_reply_at < settle:
        time.sleep(0.1)
        printer.poll()
    return 0

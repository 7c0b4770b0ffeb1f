"""Pool member for voice notes in: fetch the audio from Twilio, transcribe it, drop it.

The audio lives only in this function's memory: never on disk, never in the database.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import pykka

from minkops.actors.messages import Transcribe, Transcript
from minkops.actors.pool import PoolMember
from minkops.actors.supervisor import ChildContext
from minkops.ai.media import Media, MediaUnavailable
from minkops.ai.transcription import Transcription, TranscriptionUnavailable
from minkops.logs import get_logger

log = get_logger(__name__)

FetchMedia = Callable[[str], Media]
Transcribe_ = Callable[[bytes, str, str | None], Transcription]


class VoiceNotesMember(PoolMember):
    def __init__(
        self,
        context: ChildContext | None,
        fetch: FetchMedia | None,
        transcribe: Transcribe_ | None,
    ) -> None:
        super().__init__(context)
        self._fetch = fetch
        self._transcribe = transcribe

    def on_job(self, message: Any) -> Any:
        if isinstance(message, Transcribe):
            done = self._transcript(message)
            answer = (
                Transcript(message.message_sid, done.text, done.seconds, done.tokens)
                if done is not None
                else Transcript(message.message_sid, None)
            )
            with contextlib.suppress(pykka.ActorDeadError):
                message.reply_to.tell(answer)
        return None

    def _transcript(self, message: Transcribe) -> Transcription | None:
        if self._fetch is None or self._transcribe is None:
            log.info("voice.unavailable", reason="no transcription configured")
            return None
        try:
            media = self._fetch(message.media_url)
            done = self._transcribe(media.data, media.content_type, message.language)
        except (MediaUnavailable, TranscriptionUnavailable) as error:
            log.warning("voice.unavailable", reason=type(error).__name__)
            return None
        log.info(
            "voice.transcribed", bytes=media.size, characters=len(done.text), seconds=done.seconds
        )
        return done

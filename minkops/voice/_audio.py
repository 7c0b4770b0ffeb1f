"""Audio as the rest of MinkOps sees it, and just enough parsing to trust it.

Synthesized speech is checked before it is sent: its container and codec must be what its
content type says (Twilio compares the `Content-Type` at the media URL with the file), and
its duration is read from the stream itself. Formats: RFC 3533 (Ogg), RFC 7845 (Ogg Opus),
ISO 11172-3 / 13818-3 (MPEG audio frame headers), RIFF WAVE. Pure Python, no subprocess:
the OpenAI path must work where ffmpeg is missing.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Literal

AudioFormat = Literal["opus", "mp3"]

# The exact Content-Type each format is served with. Twilio fetches the media URL (GET and
# HEAD) and rejects a type that does not match the file. "audio/ogg" is the type Twilio lists
# for WhatsApp audio ("OGG, Opus codec only") and the one it gives inbound voice notes;
# "audio/ogg; codecs=opus" is what Meta's own Cloud API asks for on upload, not Twilio.
CONTENT_TYPES: dict[AudioFormat, str] = {"opus": "audio/ogg", "mp3": "audio/mpeg"}
EXTENSIONS: dict[AudioFormat, str] = {"opus": "ogg", "mp3": "mp3"}

OPUS_RATE = 48_000  # Opus always decodes at 48 kHz; granule positions count 48 kHz samples


class InvalidAudio(ValueError):
    """The bytes are not the audio they claim to be (or not audio at all)."""


@dataclass(frozen=True)
class Audio:
    """A finished voice note: bytes ready to serve with exactly `content_type`."""

    data: bytes = field(repr=False)
    content_type: str
    duration_seconds: float

    @property
    def size(self) -> int:
        return len(self.data)


def inspect_audio(data: bytes, audio_format: AudioFormat) -> Audio:
    """`data` as an `Audio` of `audio_format`, its duration read from the stream.

    Raises InvalidAudio when the bytes are not that format: an Ogg file that is not a single
    mono Opus stream, or an MP3 without a single MPEG Layer III frame.
    """
    if audio_format == "opus":
        duration = ogg_opus_duration(data)
    elif audio_format == "mp3":
        duration = mp3_duration(data)
    else:  # pragma: no cover - guarded by the type
        raise InvalidAudio(f"unsupported audio format {audio_format!r}")
    return Audio(data, CONTENT_TYPES[audio_format], duration)


# Ogg / Opus -----------------------------------------------------------------------------------

_OGG_PAGE = struct.Struct("<4sBBqIIIB")  # capture, version, flags, granule, serial, seq, crc, n
_OGG_BOS = 0x02


def ogg_opus_duration(data: bytes) -> float:
    """Seconds of audio in a single-stream, mono Ogg Opus file (RFC 7845 §4)."""
    offset = 0
    serial: int | None = None
    pre_skip = 0
    last_granule = -1
    first = True
    while offset < len(data):
        if len(data) - offset < _OGG_PAGE.size:
            raise InvalidAudio("truncated Ogg page header")
        capture, version, flags, granule, page_serial, _, _, segments = _OGG_PAGE.unpack_from(
            data, offset
        )
        if capture != b"OggS" or version != 0:
            raise InvalidAudio("not an Ogg stream")
        lacing_start = offset + _OGG_PAGE.size
        lacing = data[lacing_start : lacing_start + segments]
        body_start = lacing_start + segments
        body_end = body_start + sum(lacing)
        if len(lacing) != segments or body_end > len(data):
            raise InvalidAudio("truncated Ogg page")
        if first:
            body = data[body_start:body_end]
            # OpusHead: magic, version, channel count, pre-skip (LE u16), input rate, gain, map.
            if not flags & _OGG_BOS or not body.startswith(b"OpusHead") or len(body) < 19:
                raise InvalidAudio("the Ogg stream does not start with an Opus header")
            channels = body[9]
            if channels != 1:
                raise InvalidAudio(f"a voice note must be mono, not {channels} channels")
            pre_skip = int.from_bytes(body[10:12], "little")
            serial = page_serial
            first = False
        elif page_serial != serial:
            raise InvalidAudio("more than one logical stream in the Ogg file")
        if granule != -1:  # -1: no packet ends on this page
            last_granule = granule
        offset = body_end
    if first:
        raise InvalidAudio("empty audio")
    if last_granule < 0:
        raise InvalidAudio("the Ogg stream has no audio")
    return max(0, last_granule - pre_skip) / OPUS_RATE


# MP3 ----------------------------------------------------------------------------------------

_MP3_BITRATES_KBPS = {
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),  # MPEG-1 Layer III
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),  # MPEG-2 and 2.5
}
_MP3_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def mp3_duration(data: bytes) -> float:
    """Seconds of audio in an MPEG Layer III stream, counted frame by frame.

    An ID3v2 tag in front is skipped, and so is a Xing/Info header frame (encoders write
    one and players do not play it); the walk ends at the first byte that is not a frame.
    """
    offset = _skip_id3v2(data)
    seconds = 0.0
    frames = 0
    while offset + 4 <= len(data):
        header = data[offset : offset + 4]
        if header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
            break
        version = (header[1] >> 3) & 0x03  # 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5, 1: reserved
        layer = (header[1] >> 1) & 0x03  # 1: Layer III
        bitrate_index = header[2] >> 4
        rate_index = (header[2] >> 2) & 0x03
        if version == 1 or layer != 1 or bitrate_index in (0, 15) or rate_index == 3:
            break
        mpeg1 = version == 3
        bitrate = _MP3_BITRATES_KBPS[1 if mpeg1 else 2][bitrate_index] * 1000
        rate = _MP3_RATES[version][rate_index]
        padding = (header[2] >> 1) & 0x01
        length = (144 if mpeg1 else 72) * bitrate // rate + padding
        if offset + length > len(data):
            break  # a cut-off last frame is not played
        samples = 1152 if mpeg1 else 576
        if not (frames == 0 and _is_info_frame(data[offset : offset + length])):
            seconds += samples / rate
        frames += 1
        offset += length
    if seconds <= 0:
        raise InvalidAudio("no MPEG Layer III audio frames")
    return seconds


def _skip_id3v2(data: bytes) -> int:
    if len(data) < 10 or not data.startswith(b"ID3"):
        return 0
    size = 0
    for byte in data[6:10]:  # "syncsafe": 7 bits per byte
        size = (size << 7) | (byte & 0x7F)
    footer = 10 if data[5] & 0x10 else 0
    return 10 + size + footer


def _is_info_frame(frame: bytes) -> bool:
    return b"Xing" in frame[:64] or b"Info" in frame[:64]


# WAV ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Wav:
    """16-bit PCM WAV; `data` is the samples only."""

    rate: int
    channels: int
    data: bytes = field(repr=False)

    @property
    def duration_seconds(self) -> float:
        return len(self.data) / (2 * self.channels * self.rate)

    def cut(self, seconds: float) -> Wav:
        """The first `seconds` (on a sample boundary)."""
        frame = 2 * self.channels
        keep = int(seconds * self.rate) * frame
        return Wav(self.rate, self.channels, self.data[:keep])

    def to_bytes(self) -> bytes:
        frame = 2 * self.channels
        fmt = struct.pack("<HHIIHH", 1, self.channels, self.rate, self.rate * frame, frame, 16)
        body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
        body += b"data" + struct.pack("<I", len(self.data)) + self.data
        return b"RIFF" + struct.pack("<I", len(body)) + body


def read_wav(data: bytes) -> Wav:
    """Parse 16-bit PCM WAV, including espeak-ng's streamed output.

    espeak-ng writing to a pipe cannot know the length up front and declares a huge data
    chunk; the samples are then simply everything that follows the chunk header.
    """
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise InvalidAudio("not a WAV file")
    offset = 12
    rate = channels = 0
    while offset + 8 <= len(data):
        chunk, size = data[offset : offset + 4], struct.unpack_from("<I", data, offset + 4)[0]
        start = offset + 8
        if chunk == b"fmt ":
            if size < 16:
                raise InvalidAudio("short WAV fmt chunk")
            kind, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", data, start)
            if kind != 1 or bits != 16 or channels < 1 or rate < 1:
                raise InvalidAudio("WAV is not 16-bit PCM")
        elif chunk == b"data":
            if not rate:
                raise InvalidAudio("WAV data before its fmt chunk")
            end = min(len(data), start + size)
            samples = data[start:end]
            frame = 2 * channels
            return Wav(rate, channels, samples[: len(samples) - len(samples) % frame])
        offset = start + size + (size & 1)
    raise InvalidAudio("WAV without a data chunk")

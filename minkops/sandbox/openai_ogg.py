"""Ogg pages and comment headers: read and rewrite the MINKOPS_TRANSCRIPT tag.

The OpenAI stand-in cannot recognise speech, so a voice note made by our own tools carries
its text in a Vorbis-comment field of its OpusTags header. Format references: RFC 3533 (Ogg
pages), RFC 7845 (Ogg Opus headers), the Vorbis I specification (comment header).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass

TRANSCRIPT_FIELD = "MINKOPS_TRANSCRIPT"

_CAPTURE = b"OggS"
_HEADER = struct.Struct("<4sBBqIIIB")  # capture, version, flags, granule, serial, seq, crc, nseg
_FLAG_CONTINUED = 0x01
_FLAG_BOS = 0x02
_MAX_SEGMENTS = 255
_OPUS_HEAD = b"OpusHead"
_OPUS_TAGS = b"OpusTags"
_VORBIS_ID = b"\x01vorbis"
_VORBIS_COMMENT = b"\x03vorbis"
_OPUS_RATE = 48_000


class OggError(ValueError):
    """The bytes are not a well-formed Ogg stream of the kind asked for."""


def _crc_table() -> tuple[int, ...]:
    table = []
    for index in range(256):
        value = index << 24
        for _ in range(8):
            value = ((value << 1) ^ 0x04C11DB7) if value & 0x80000000 else value << 1
        table.append(value & 0xFFFFFFFF)
    return tuple(table)


_CRC_TABLE = _crc_table()


def ogg_crc(data: bytes) -> int:
    """CRC-32 as Ogg defines it: polynomial 0x04C11DB7, not reflected, zero start and end."""
    crc = 0
    table = _CRC_TABLE
    for byte in data:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ table[(crc >> 24) ^ byte]
    return crc


@dataclass(frozen=True)
class Page:
    flags: int
    granule: int
    serial: int
    sequence: int
    lacing: bytes
    body: bytes

    def encode(self) -> bytes:
        """Serialise with a freshly computed checksum."""
        header = _HEADER.pack(
            _CAPTURE, 0, self.flags, self.granule, self.serial, self.sequence, 0, len(self.lacing)
        )
        raw = header + self.lacing + self.body
        crc = ogg_crc(raw)
        return raw[:22] + struct.pack("<I", crc) + raw[26:]


def iter_pages(data: bytes, *, verify: bool = True) -> Iterator[Page]:
    """Yield the pages of a physical Ogg stream, checking framing and (optionally) checksums."""
    offset = 0
    while offset < len(data):
        if len(data) - offset < _HEADER.size:
            raise OggError(f"truncated Ogg page header at byte {offset}")
        capture, version, flags, granule, serial, sequence, crc, nseg = _HEADER.unpack_from(
            data, offset
        )
        if capture != _CAPTURE or version != 0:
            raise OggError(f"no Ogg page at byte {offset}")
        lacing_start = offset + _HEADER.size
        lacing = data[lacing_start : lacing_start + nseg]
        body_start = lacing_start + nseg
        end = body_start + sum(lacing)
        if len(lacing) != nseg or end > len(data):
            raise OggError(f"truncated Ogg page at byte {offset}")
        if verify:
            raw = data[offset:end]
            if ogg_crc(raw[:22] + b"\0\0\0\0" + raw[26:]) != crc:
                raise OggError(f"bad Ogg checksum in page {sequence} at byte {offset}")
        yield Page(flags, granule, serial, sequence, lacing, data[body_start:end])
        offset = end


@dataclass(frozen=True)
class _Packet:
    data: bytes
    first_page: int  # indexes into the page list of the stream
    last_page: int
    ends_page: bool  # the packet's last segment is the last segment of its last page


def _packets(pages: list[Page], wanted: int) -> list[_Packet]:
    """The first `wanted` packets of one logical stream."""
    packets: list[_Packet] = []
    pending = bytearray()
    start: int | None = None
    for index, page in enumerate(pages):
        if start is None and page.flags & _FLAG_CONTINUED:
            raise OggError("stream starts with a continued packet")
        position = 0
        for segment_index, size in enumerate(page.lacing):
            if start is None:
                start = index
            pending += page.body[position : position + size]
            position += size
            if size < 255:
                last = segment_index == len(page.lacing) - 1
                packets.append(_Packet(bytes(pending), start, index, last))
                pending.clear()
                start = None
                if len(packets) == wanted:
                    return packets
    raise OggError("Ogg stream ends before its header packets")


def _first_stream(data: bytes, *, verify: bool) -> list[Page]:
    pages = list(iter_pages(data, verify=verify))
    if not pages or not pages[0].flags & _FLAG_BOS:
        raise OggError("Ogg stream has no beginning-of-stream page")
    serial = pages[0].serial
    return [page for page in pages if page.serial == serial]


@dataclass(frozen=True)
class CommentHeader:
    magic: bytes
    vendor: str
    comments: tuple[str, ...]
    trailer: bytes  # Vorbis framing bit, or OpusTags padding/binary data; kept as found

    def encode(self) -> bytes:
        vendor = self.vendor.encode()
        parts = [self.magic, struct.pack("<I", len(vendor)), vendor]
        parts.append(struct.pack("<I", len(self.comments)))
        for comment in self.comments:
            encoded = comment.encode()
            parts += [struct.pack("<I", len(encoded)), encoded]
        parts.append(self.trailer)
        return b"".join(parts)

    def values(self, field: str) -> list[str]:
        """Values of a field; field names compare case-insensitively, as the spec says."""
        wanted = field.upper()
        found = []
        for comment in self.comments:
            name, sep, value = comment.partition("=")
            if sep and name.upper() == wanted:
                found.append(value)
        return found


def parse_comment_header(packet: bytes) -> CommentHeader:
    for magic in (_OPUS_TAGS, _VORBIS_COMMENT):
        if packet.startswith(magic):
            break
    else:
        raise OggError("second packet is not an OpusTags or Vorbis comment header")
    try:
        offset = len(magic)
        (vendor_length,) = struct.unpack_from("<I", packet, offset)
        offset += 4
        vendor = packet[offset : offset + vendor_length].decode()
        offset += vendor_length
        (count,) = struct.unpack_from("<I", packet, offset)
        offset += 4
        comments = []
        for _ in range(count):
            (length,) = struct.unpack_from("<I", packet, offset)
            offset += 4
            if offset + length > len(packet):
                raise OggError("comment runs past the end of its header")
            comments.append(packet[offset : offset + length].decode())
            offset += length
    except (struct.error, UnicodeDecodeError) as error:
        raise OggError(f"malformed comment header: {error}") from error
    return CommentHeader(magic, vendor, tuple(comments), packet[offset:])


@dataclass(frozen=True)
class OggInfo:
    codec: str  # "opus" or "vorbis"
    comments: CommentHeader
    duration: float  # seconds


def read_ogg(data: bytes) -> OggInfo:
    """Codec, comment header and duration of the first logical stream of an Ogg file."""
    pages = _first_stream(data, verify=True)
    head, tags = _packets(pages, 2)
    if head.data.startswith(_OPUS_HEAD) and len(head.data) >= 19:
        codec, rate = "opus", _OPUS_RATE
        (offset_samples,) = struct.unpack_from("<H", head.data, 10)  # pre-skip
    elif head.data.startswith(_VORBIS_ID) and len(head.data) >= 16:
        codec, offset_samples = "vorbis", 0
        (rate,) = struct.unpack_from("<I", head.data, 12)
    else:
        raise OggError("Ogg stream is neither Opus nor Vorbis")
    comments = parse_comment_header(tags.data)
    if codec == "opus" and comments.magic != _OPUS_TAGS:
        raise OggError("Opus stream without an OpusTags header")
    granules = [page.granule for page in pages if page.granule >= 0]
    samples = max(0, max(granules, default=0) - offset_samples)
    return OggInfo(codec, comments, samples / rate if rate else 0.0)


def read_transcript(data: bytes) -> str | None:
    """The MINKOPS_TRANSCRIPT value of an Ogg Opus or Vorbis file, or None if it has none."""
    values = read_ogg(data).comments.values(TRANSCRIPT_FIELD)
    return values[0] if values else None


def _paginate(packet: bytes, serial: int, first_sequence: int) -> list[Page]:
    """Pages for one header packet that starts and ends on page boundaries (RFC 7845 §3)."""
    lacing = [255] * (len(packet) // 255) + [len(packet) % 255]
    pages: list[Page] = []
    position = 0
    for start in range(0, len(lacing), _MAX_SEGMENTS):
        chunk = lacing[start : start + _MAX_SEGMENTS]
        size = sum(chunk)
        last = start + _MAX_SEGMENTS >= len(lacing)
        pages.append(
            Page(
                flags=_FLAG_CONTINUED if start else 0,
                granule=0 if last else -1,  # -1: no packet finishes on this page
                serial=serial,
                sequence=first_sequence + len(pages),
                lacing=bytes(chunk),
                body=packet[position : position + size],
            )
        )
        position += size
    return pages


def tag_transcript(ogg: bytes, text: str) -> bytes:
    """Return the Ogg Opus file with `MINKOPS_TRANSCRIPT=text` in its OpusTags header.

    An existing transcript field is replaced; the audio pages are kept and renumbered.
    """
    pages = list(iter_pages(ogg, verify=True))
    if not pages or not pages[0].flags & _FLAG_BOS:
        raise OggError("Ogg stream has no beginning-of-stream page")
    if any(page.serial != pages[0].serial for page in pages):
        raise OggError("tagging supports a single logical Ogg stream only")
    head, tags = _packets(pages, 2)
    if not head.data.startswith(_OPUS_HEAD):
        raise OggError("tagging supports Ogg Opus only")
    if head.last_page != 0 or not head.ends_page or tags.first_page != 1 or not tags.ends_page:
        raise OggError("Opus header packets do not sit on their own pages (RFC 7845 §3)")
    old = parse_comment_header(tags.data)
    kept = tuple(c for c in old.comments if c.partition("=")[0].upper() != TRANSCRIPT_FIELD)
    new = CommentHeader(old.magic, old.vendor, (*kept, f"{TRANSCRIPT_FIELD}={text}"), old.trailer)
    tag_pages = _paginate(new.encode(), pages[0].serial, first_sequence=1)
    rest = pages[tags.last_page + 1 :]
    out = [ogg[: _page_length(pages[0])]]
    out += [page.encode() for page in tag_pages]
    shift = len(tag_pages) - (tags.last_page - tags.first_page + 1)
    if shift == 0:
        # Same page count: the audio pages keep their numbers and checksums byte for byte.
        out.append(ogg[sum(_page_length(page) for page in pages[: tags.last_page + 1]) :])
        return b"".join(out)
    for page in rest:
        renumbered = Page(
            page.flags, page.granule, page.serial, page.sequence + shift, page.lacing, page.body
        )
        out.append(renumbered.encode())
    return b"".join(out)


def _page_length(page: Page) -> int:
    return _HEADER.size + len(page.lacing) + len(page.body)

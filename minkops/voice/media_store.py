"""Short-lived files for outbound voice notes, each behind an unguessable token.

Twilio sends a voice note by fetching it from a URL of ours (`GET`/`HEAD /media/{token}`,
`minkops.http.media`). The audio lives only here, in files under `MINKOPS_DATA_DIR/media/`,
never in PostgreSQL, and only until it is no longer needed:

- **Delete after the outcome.** When Twilio's status callback says the message was
  delivered, read, failed or undelivered, Twilio has fetched the note (or never will): the
  status-callback handler calls `delete_if_done(store, token, status)`.
- **Purge on expiry.** Status callbacks may never come (NOTES: they are not retried), so each
  note also has an expiry (`voice.media_lifetime_seconds`, longer than the outbound retries)
  after which `get` no longer serves it and `purge_expired`, run from housekeeping, removes it.

On disk, per token: `<token>.audio` (the bytes) and `<token>.json` (content type, size,
expiry), both written to a temporary file, fsync'ed and renamed into place, data first. The
metadata file is the commit record: a crash before its rename leaves no servable note (and
`purge_expired` removes the leftover), never a half file. Because the metadata is on disk, a
restarted process serves and purges what the previous one wrote.

Thread-safe: actor threads `put`, the event loop `get`s (through a thread), housekeeping
purges. Readers need no lock (every change is one atomic rename or unlink). A purge decides
what is a leftover (a data file without metadata, an old temporary file) under the same lock
that a put holds for its two renames and a delete for its two unlinks, and never touches a
temporary file of a put still running, so it cannot take work in flight for debris, however
far its `now` is ahead. Across processes, only files older than `LEFTOVER_GRACE` are debris.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from minkops.logs import get_logger

log = get_logger(__name__)

MEDIA_SUBDIR = "media"
TOKEN_BYTES = 32  # 256 bits from `secrets`: 43 URL-safe characters, unguessable
# Exactly what secrets.token_urlsafe(32) makes; anything else is not looked up at all, so no
# request can name a path outside the media directory.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
_DATA = ".audio"
_META = ".json"
_TEMP = ".tmp-"
_FORMAT_VERSION = 1
# A data file without metadata, or a temporary file, younger than this may belong to a put
# still in flight in another process; older ones are leftovers of a crash.
LEFTOVER_GRACE = timedelta(minutes=10)
# type/subtype with optional parameters, and nothing that could split a header.
_CONTENT_TYPE = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*"
    r'(?:\s*;\s*[A-Za-z0-9!#$&^_.+-]+=(?:[A-Za-z0-9!#$&^_.+-]+|"[^"\\\r\n]*"))*'
)
# Twilio message statuses after which a note's URL is no longer needed: delivered or read
# (fetched and handed over), failed or undelivered (final: Twilio does not fetch it again).
DONE_STATUSES = frozenset({"delivered", "read", "failed", "undelivered"})


class _BadMetadata(Exception):
    """A metadata file that cannot be trusted (not ours, or damaged by hand)."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class StoredMedia:
    """A servable note. `read_bytes` raises FileNotFoundError if it was deleted meanwhile."""

    path: Path
    content_type: str
    size: int
    expires_at: datetime

    def read_bytes(self) -> bytes:
        data = self.path.read_bytes()
        if len(data) != self.size:  # never serve anything but the file that was committed
            raise FileNotFoundError("media changed under its token")
        return data


class MediaStore:
    def __init__(self, root: Path, *, clock: Callable[[], datetime] = _utc_now) -> None:
        self.root = root
        self._clock = clock
        self._lock = threading.Lock()
        self._in_flight: set[str] = set()  # temporary files of puts not finished yet
        root.mkdir(mode=0o700, parents=True, exist_ok=True)

    @classmethod
    def in_data_dir(cls, data_dir: Path, *, clock: Callable[[], datetime] = _utc_now) -> MediaStore:
        """The store under `MINKOPS_DATA_DIR/media/`."""
        return cls(data_dir / MEDIA_SUBDIR, clock=clock)

    def put(self, data: bytes, content_type: str, lifetime: timedelta) -> str:
        """Keep `data` for `lifetime`; return its token. Durable once this returns."""
        if not _CONTENT_TYPE.fullmatch(content_type):
            raise ValueError(f"not a content type: {content_type!r}")
        if lifetime <= timedelta(0):
            raise ValueError("lifetime must be positive")
        expires_at = _aware(self._clock()) + lifetime
        token = secrets.token_urlsafe(TOKEN_BYTES)
        meta = {
            "version": _FORMAT_VERSION,
            "content_type": content_type,
            "size": len(data),
            "expires_at": expires_at.astimezone(UTC).isoformat(),
        }
        temps: list[str] = []
        try:
            data_temp = self._write_temp(data, temps)
            meta_temp = self._write_temp(json.dumps(meta).encode(), temps)
            with self._lock:  # so purge never sees the data without its metadata
                os.replace(data_temp, self._path(token, _DATA))
                os.replace(meta_temp, self._path(token, _META))
        finally:
            with self._lock:
                self._in_flight.difference_update(Path(temp).name for temp in temps)
            for temp in temps:
                _unlink(Path(temp))  # gone already unless the put failed
        self._sync_directory()
        log.info("media.stored", bytes=len(data), content_type=content_type)
        return token

    def get(self, token: str) -> StoredMedia | None:
        """The note under `token`, or None when it is unknown, malformed, deleted or expired."""
        if not _TOKEN.fullmatch(token):
            return None
        try:
            content_type, size, expires_at = self._read_meta(token)
        except (FileNotFoundError, _BadMetadata):
            return None
        if _aware(self._clock()) >= expires_at:
            return None
        path = self._path(token, _DATA)
        try:
            if path.stat().st_size != size:
                return None
        except FileNotFoundError:
            return None
        return StoredMedia(path, content_type, size, expires_at)

    def delete(self, token: str) -> bool:
        """Forget the note now; True if there was one. Idempotent, safe with concurrent gets."""
        if not _TOKEN.fullmatch(token):
            return False
        if self._remove(token):
            return True
        with self._lock:
            return _unlink(self._path(token, _DATA))  # a leftover without metadata

    def purge_expired(self, now: datetime | None = None) -> int:
        """Remove every note expired at `now` (default: the store's clock) and the leftovers of
        interrupted writes; return how many notes went (leftover temporary files not counted)."""
        now = _aware(now if now is not None else self._clock())
        removed = 0
        with os.scandir(self.root) as entries:
            names = [entry.name for entry in entries]
        for name in names:
            if name.startswith(_TEMP):
                with self._lock:
                    if name not in self._in_flight and self._left_over(name, now):
                        _unlink(self.root / name)
                continue
            if name.endswith(_META) and _TOKEN.fullmatch(token := name[: -len(_META)]):
                try:
                    expired = self._read_meta(token)[2] <= now
                except FileNotFoundError:
                    continue  # deleted meanwhile (a status callback): not ours to count
                except _BadMetadata:
                    expired = True  # never servable: remove it
                if expired and self._remove(token):
                    removed += 1
            elif name.endswith(_DATA) and _TOKEN.fullmatch(token := name[: -len(_DATA)]):
                with self._lock:
                    orphan = not self._path(token, _META).exists()
                    if orphan and self._left_over(name, now) and _unlink(self.root / name):
                        removed += 1  # a crash between a put's renames, or a delete's unlinks
        if removed:
            log.info("media.purged", notes=removed)
        return removed

    # Files ------------------------------------------------------------------------------------

    def _path(self, token: str, suffix: str) -> Path:
        return self.root / f"{token}{suffix}"

    def _remove(self, token: str) -> bool:
        """Unlink the note, metadata first (from then on it is not served); True if this call
        removed the metadata, so that two concurrent removals count one note once."""
        with self._lock:  # so purge never takes a half-deleted note for a leftover
            removed = _unlink(self._path(token, _META))
            _unlink(self._path(token, _DATA))
        return removed

    def _read_meta(self, token: str) -> tuple[str, int, datetime]:
        """(content type, size, expiry); FileNotFoundError, or _BadMetadata if unusable."""
        try:
            raw: Any = json.loads(self._path(token, _META).read_bytes())
            content_type = raw["content_type"]
            size = raw["size"]
            expires_at = datetime.fromisoformat(raw["expires_at"])
        except FileNotFoundError:
            raise
        except (ValueError, KeyError, TypeError) as error:
            # Unusable metadata is never served (never guess a type) and is purged.
            log.warning("media.bad_metadata", error=type(error).__name__)
            raise _BadMetadata from None
        if not isinstance(content_type, str) or not isinstance(size, int):
            raise _BadMetadata
        if expires_at.tzinfo is None:
            raise _BadMetadata
        return content_type, size, expires_at

    def _write_temp(self, data: bytes, temps: list[str]) -> str:
        """A new temporary file in the store holding `data`, flushed to disk (mode 0600).

        Its name joins `temps` (the caller removes it on failure) and `_in_flight` (purge
        leaves it alone, however old it looks) in one step under the lock."""
        with self._lock:
            descriptor, temp = tempfile.mkstemp(dir=self.root, prefix=_TEMP)
            self._in_flight.add(Path(temp).name)
            temps.append(temp)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        return temp

    def _sync_directory(self) -> None:
        """Make the renames durable: a crash after put returns still finds the note."""
        descriptor = os.open(self.root, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    def _left_over(self, name: str, now: datetime) -> bool:
        try:
            modified = datetime.fromtimestamp((self.root / name).stat().st_mtime, UTC)
        except FileNotFoundError:
            return False
        return now - modified >= LEFTOVER_GRACE


def delete_if_done(store: MediaStore, token: str, status: str) -> bool:
    """The deletion policy, for the status-callback handler: once Twilio reports the message
    delivered, read, failed or undelivered, its note is deleted. Earlier statuses (queued,
    sent, ...) keep it: Twilio may still be fetching. True if a note was deleted."""
    if status.strip().lower() not in DONE_STATUSES:
        return False
    return store.delete(token)


def _unlink(path: Path) -> bool:
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a media-store time must be timezone-aware")
    return moment

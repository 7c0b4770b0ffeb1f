"""The media store: tokens, expiry, deletion, restarts, crashes and concurrency."""

from __future__ import annotations

import os
import stat
import string
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from minkops.voice import media_store
from minkops.voice.media_store import (
    LEFTOVER_GRACE,
    MediaStore,
    delete_if_done,
)

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
OGG = b"OggS" + bytes(range(256)) * 40


class Clock:
    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> MediaStore:
    return MediaStore.in_data_dir(tmp_path, clock=clock)


def _files(store: MediaStore) -> list[str]:
    return sorted(os.listdir(store.root))


def test_put_then_get_returns_the_bytes_and_the_exact_content_type(
    store: MediaStore, tmp_path: Path
) -> None:
    token = store.put(OGG, "audio/ogg", HOUR)

    found = store.get(token)

    assert found is not None
    assert found.read_bytes() == OGG
    assert found.content_type == "audio/ogg"
    assert found.size == len(OGG)
    assert found.expires_at == START + HOUR
    assert store.root == tmp_path / "media"
    assert found.path.parent == store.root


def test_content_type_parameters_are_kept_verbatim(store: MediaStore) -> None:
    token = store.put(OGG, "audio/ogg; codecs=opus", HOUR)

    found = store.get(token)
    assert found is not None and found.content_type == "audio/ogg; codecs=opus"


@pytest.mark.parametrize(
    "content_type", ["", "audio", "audio/ogg\r\nX-Evil: 1", "audio/ogg; codecs", "../x/y z"]
)
def test_a_content_type_that_could_break_the_header_is_refused(
    store: MediaStore, content_type: str
) -> None:
    with pytest.raises(ValueError, match="content type"):
        store.put(OGG, content_type, HOUR)
    assert _files(store) == []


def test_tokens_are_32_random_bytes_in_url_safe_base64(store: MediaStore) -> None:
    tokens = {store.put(b"x", "audio/ogg", HOUR) for _ in range(300)}

    assert len(tokens) == 300
    alphabet = set(string.ascii_letters + string.digits + "-_")
    for token in tokens:
        assert len(token) == 43  # 256 bits
        assert set(token) <= alphabet
    # Every position takes many values: nothing sequential or time-based in the tokens. (The
    # last character carries the last 4 of the 256 bits: 16 values.)
    for position in range(42):
        assert len({token[position] for token in tokens}) > 30
    assert len({token[42] for token in tokens}) > 8


def test_files_are_private(store: MediaStore) -> None:
    token = store.put(OGG, "audio/ogg", HOUR)

    assert stat.S_IMODE(store.root.stat().st_mode) == 0o700
    for name in _files(store):
        assert stat.S_IMODE((store.root / name).stat().st_mode) == 0o600
    assert _files(store) == sorted([f"{token}.audio", f"{token}.json"])


@pytest.mark.parametrize(
    "token",
    [
        "",
        "nope",
        "a" * 42,
        "a" * 44,
        "../" * 14 + "a",
        "..%2F..%2Fetc%2Fpasswd",
        "a" * 42 + "/",
        "a" * 42 + ".",
        "a" * 42 + "\x00",
    ],
)
def test_malformed_or_unknown_tokens_find_nothing(store: MediaStore, token: str) -> None:
    store.put(OGG, "audio/ogg", HOUR)

    assert store.get(token) is None
    assert store.delete(token) is False


def test_a_token_of_the_right_shape_that_was_never_issued_finds_nothing(
    store: MediaStore,
) -> None:
    assert store.get("A" * 43) is None


def test_a_note_expires(store: MediaStore, clock: Clock) -> None:
    token = store.put(OGG, "audio/ogg", HOUR)

    clock.now = START + HOUR - timedelta(seconds=1)
    assert store.get(token) is not None
    clock.now = START + HOUR
    assert store.get(token) is None


def test_delete_stops_serving_at_once_and_is_idempotent(store: MediaStore) -> None:
    token = store.put(OGG, "audio/ogg", HOUR)
    found = store.get(token)
    assert found is not None

    assert store.delete(token) is True
    assert store.get(token) is None
    with pytest.raises(FileNotFoundError):
        found.read_bytes()  # a reader that looked it up just before
    assert store.delete(token) is False
    assert _files(store) == []


def test_purge_removes_expired_notes_only(store: MediaStore, clock: Clock) -> None:
    short = store.put(b"short", "audio/ogg", timedelta(minutes=5))
    long = store.put(b"long", "audio/mpeg", 2 * HOUR)

    assert store.purge_expired(START + timedelta(minutes=4)) == 0
    assert store.purge_expired(START + HOUR) == 1

    assert store.get(short) is None
    assert store.get(long) is not None
    assert _files(store) == sorted([f"{long}.audio", f"{long}.json"])
    clock.now = START + 3 * HOUR
    assert store.purge_expired() == 1  # default: the store's clock
    assert _files(store) == []


def test_a_restarted_store_still_serves_and_purges(tmp_path: Path, clock: Clock) -> None:
    first = MediaStore.in_data_dir(tmp_path, clock=clock)
    kept = first.put(OGG, "audio/ogg", 2 * HOUR)
    expiring = first.put(b"mp3", "audio/mpeg", HOUR)
    del first

    restarted = MediaStore.in_data_dir(tmp_path, clock=clock)

    found = restarted.get(kept)
    assert found is not None and found.read_bytes() == OGG
    assert found.content_type == "audio/ogg"
    assert restarted.purge_expired(START + HOUR) == 1
    assert restarted.get(expiring) is None
    assert restarted.get(kept) is not None


def test_a_crash_between_the_two_renames_serves_nothing_and_is_cleaned_up(
    store: MediaStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_replace = os.replace
    calls = []

    def crash_on_metadata(source: str, target: Path) -> None:
        calls.append(target)
        if str(target).endswith(".json"):
            raise OSError("power cut")
        real_replace(source, target)

    monkeypatch.setattr(media_store.os, "replace", crash_on_metadata)
    with pytest.raises(OSError, match="power cut"):
        store.put(OGG, "audio/ogg", HOUR)
    monkeypatch.undo()

    token = Path(calls[0]).name.removesuffix(".audio")
    assert store.get(token) is None  # the data is there, but never committed
    written = datetime.fromtimestamp((store.root / f"{token}.audio").stat().st_mtime, UTC)
    assert store.purge_expired(written + LEFTOVER_GRACE / 2) == 0  # may be a put in flight
    assert store.purge_expired(written + LEFTOVER_GRACE) == 1
    assert not (store.root / f"{token}.audio").exists()


def test_a_failed_write_leaves_no_file_behind(
    store: MediaStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_fsync(_: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(media_store.os, "fsync", failing_fsync)

    with pytest.raises(OSError, match="disk full"):
        store.put(OGG, "audio/ogg", HOUR)
    assert _files(store) == []


def test_temporary_leftovers_are_purged_after_the_grace_period(store: MediaStore) -> None:
    leftover = store.root / ".tmp-crashed"
    leftover.write_bytes(b"half a note")
    written = datetime.fromtimestamp(leftover.stat().st_mtime, UTC)

    assert store.purge_expired(written + timedelta(seconds=1)) == 0
    assert leftover.exists()
    assert store.purge_expired(written + LEFTOVER_GRACE) == 0  # not a note: not counted
    assert not leftover.exists()


def test_corrupt_metadata_is_never_served_and_is_purged(store: MediaStore) -> None:
    token = store.put(OGG, "audio/ogg", HOUR)
    (store.root / f"{token}.json").write_text("{not json")

    assert store.get(token) is None
    assert store.purge_expired(START) == 1
    assert _files(store) == []


def test_data_that_does_not_match_its_metadata_is_not_served(store: MediaStore) -> None:
    token = store.put(OGG, "audio/ogg", HOUR)
    (store.root / f"{token}.audio").write_bytes(OGG[:10])

    assert store.get(token) is None


def test_a_token_cannot_reach_outside_the_media_directory(
    store: MediaStore, tmp_path: Path
) -> None:
    # A well-formed note one directory up: only a token of exactly 43 URL-safe characters is
    # ever looked up, so "../" never reaches it.
    token = store.put(OGG, "audio/ogg", HOUR)
    for suffix in (".audio", ".json"):
        (store.root / f"{token}{suffix}").rename(tmp_path / f"outside{suffix}")

    assert store.get("../outside") is None
    assert store.delete("../outside") is False
    assert (tmp_path / "outside.audio").exists()


def test_files_that_are_not_ours_are_left_alone(store: MediaStore) -> None:
    (store.root / "README").write_text("operator's note")
    (store.root / "short.json").write_text("{}")

    assert store.purge_expired(START + 100 * HOUR) == 0
    assert _files(store) == ["README", "short.json"]


def test_times_must_be_timezone_aware(tmp_path: Path) -> None:
    naive = MediaStore(tmp_path, clock=lambda: datetime(2026, 3, 1, 9, 0))

    with pytest.raises(ValueError, match="timezone-aware"):
        naive.put(OGG, "audio/ogg", HOUR)
    with pytest.raises(ValueError, match="timezone-aware"):
        naive.purge_expired(datetime(2026, 3, 1))


def test_lifetime_must_be_positive(store: MediaStore) -> None:
    with pytest.raises(ValueError, match="lifetime"):
        store.put(OGG, "audio/ogg", timedelta(0))


@pytest.mark.parametrize("purge_ahead", [timedelta(0), timedelta(days=1)])
def test_concurrent_puts_gets_deletes_and_purges(tmp_path: Path, purge_ahead: timedelta) -> None:
    # The real clock: purges judge leftovers by real file times. A purge a day ahead sees
    # every file as past the grace period, so only the lock keeps it off a put in flight.
    store = MediaStore(tmp_path / "media")
    errors: list[BaseException] = []
    stop = threading.Event()

    def writer(worker: int) -> int:
        served = 0
        for index in range(60):
            data = f"{worker}:{index}:".encode() * (50 + index)
            content_type = "audio/ogg" if index % 2 else "audio/mpeg"
            token = store.put(data, content_type, timedelta(days=7))
            found = store.get(token)
            assert found is not None
            assert (found.read_bytes(), found.content_type) == (data, content_type)
            served += 1
            if index % 3 == 0:
                assert store.delete(token)
                assert store.get(token) is None
        return served

    def purger() -> None:
        try:
            while not stop.is_set():
                # Nothing is expired and nothing is older than the grace period: a purge
                # racing the writers must remove nothing, least of all a note mid-put.
                assert store.purge_expired(datetime.now(UTC) + purge_ahead) == 0
        except BaseException as error:
            errors.append(error)

    purging = threading.Thread(target=purger)
    purging.start()
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            served = sum(pool.map(writer, range(8)))
    finally:
        stop.set()
        purging.join()

    assert errors == []
    assert served == 8 * 60
    assert len(_files(store)) == 2 * 8 * 40  # the 2/3 not deleted, data + metadata each
    assert not [name for name in _files(store) if name.startswith(".tmp-")]


@pytest.mark.parametrize(
    ("status", "deleted"),
    [
        ("queued", False),
        ("sending", False),
        ("sent", False),
        ("accepted", False),
        ("delivered", True),
        ("read", True),
        ("failed", True),
        ("undelivered", True),
        ("DELIVERED", True),
    ],
)
def test_deletion_policy_follows_the_twilio_status(
    store: MediaStore, status: str, deleted: bool
) -> None:
    token = store.put(OGG, "audio/ogg", HOUR)

    assert delete_if_done(store, token, status) is deleted
    assert (store.get(token) is None) is deleted

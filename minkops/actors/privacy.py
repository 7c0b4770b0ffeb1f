"""The privacy policy's wiring: where links point, and the scheduled retention run."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from minkops.actors.persistence import Persistence
from minkops.domain.privacy import Links
from minkops.logs import get_logger
from minkops.settings import Settings
from minkops.store import privacy as store
from minkops.voice.media_store import MediaStore

log = get_logger(__name__)


def privacy_links(settings: Settings) -> Links:
    return Links(
        settings.public_url,
        timedelta(minutes=settings.privacy.export_ttl_minutes),
        settings.privacy.policy_url,
        timedelta(days=settings.privacy.termination_grace_days),
    )


def run_retention(
    persistence: Persistence,
    settings: Settings,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> None:
    """Every retention job, as of now (a Scheduler job; idempotent)."""
    grace = timedelta(days=settings.privacy.termination_grace_days)
    removed = persistence.run(None, lambda c: store.retention(c, clock(), grace))
    removed["media_files"] = MediaStore.in_data_dir(settings.data_dir).purge_expired(clock())
    if any(removed.values()):
        log.info("retention.removed", **removed)

"""A private copy of the catalogues for tests that break one on purpose."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from minkops.i18n import _catalogues

Edit = Callable[..., None]


@pytest.fixture
def catalogues(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The catalogues copied to tmp_path and used instead of the real ones meanwhile."""
    root = tmp_path / "locale"
    shutil.copytree(Path(str(_catalogues.locale_dir())), root)
    monkeypatch.setattr(_catalogues, "locale_dir", lambda: root)
    _catalogues.reload()
    yield root
    _catalogues.reload()  # the next test compiles the real ones again


@pytest.fixture
def edit(catalogues: Path) -> Edit:
    """edit(language, key, text=..., delete=False, fuzzy=False) on the copy."""

    def change(
        language: str,
        key: str,
        text: str | tuple[str, ...] | None = None,
        *,
        delete: bool = False,
        fuzzy: bool = False,
    ) -> None:
        path = catalogues / language / "LC_MESSAGES" / "minkops.po"
        with path.open("rb") as source:
            catalog = read_po(source, locale=language, domain="minkops")
        message = catalog.get(key)
        assert message is not None, f"{language} has no {key}"
        if delete:
            catalog.delete(key)
        if text is not None:
            message.string = text
        if fuzzy:
            message.flags.add("fuzzy")
        with path.open("wb") as target:
            _catalogues.write_catalogue(catalog, target)
        _catalogues.reload()

    return change

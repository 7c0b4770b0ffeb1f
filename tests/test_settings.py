from __future__ import annotations

from pathlib import Path

import pytest

from minkops.settings import SettingsError, load_settings


def test_defaults_and_environment_overlay() -> None:
    settings = load_settings({"MINKOPS_HTTP_PORT": "9001", "TWILIO_API_BASE": "http://127.0.0.1:1"})
    assert settings.http.port == 9001
    assert settings.public_url == "http://127.0.0.1:9001"
    assert settings.twilio.api_base == "http://127.0.0.1:1"
    assert settings.data_dir == Path(".minkops")


def test_public_url_wins_when_set() -> None:
    settings = load_settings({"MINKOPS_PUBLIC_URL": "https://ops.example.com/"})
    assert settings.public_url == "https://ops.example.com"


def test_bad_value_names_the_key_and_its_source() -> None:
    with pytest.raises(SettingsError, match=r"http\.port \(from MINKOPS_HTTP_PORT\)"):
        load_settings({"MINKOPS_HTTP_PORT": "eighty"})


def test_unknown_key_in_overlay_file_is_an_error(tmp_path: Path) -> None:
    extra = tmp_path / "extra.toml"
    extra.write_text("[http]\nprot = 80\n")
    with pytest.raises(SettingsError, match=rf"http\.prot \(from {extra}\)"):
        load_settings({"MINKOPS_CONFIG": str(extra)})


def test_overlay_file_then_environment(tmp_path: Path) -> None:
    extra = tmp_path / "extra.toml"
    extra.write_text('[log]\nlevel = "debug"\n[http]\nport = 7000\n')
    settings = load_settings({"MINKOPS_CONFIG": str(extra), "MINKOPS_HTTP_PORT": "7001"})
    assert (settings.log.level, settings.http.port) == ("debug", 7001)


def test_broken_toml_is_one_clear_line(tmp_path: Path) -> None:
    extra = tmp_path / "extra.toml"
    extra.write_text("[http\n")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings({"MINKOPS_CONFIG": str(extra)})

"""Typed settings: the packaged config/minkops.toml, overlaid by MINKOPS_CONFIG, overlaid by the environment.

One `Settings` object is built at start-up and passed down; nothing reads the
environment at import time.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

# Packaged defaults: shipped inside the package, so an installed wheel finds them too.
CONFIG_DIR = Path(__file__).resolve().parent / "config"


class SettingsError(Exception):
    """A bad or unknown setting; the message is one line naming it."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HttpSettings(_Section):
    host: str
    port: int = Field(ge=0, le=65535)
    public_url: str
    max_body_bytes: int = Field(gt=0)


class DatabaseSettings(_Section):
    url: str
    pool_min: int = Field(ge=1)
    pool_max: int = Field(ge=1)
    commit_linger_ms: float = Field(default=1.0, ge=0)
    commit_batch: int = Field(default=64, ge=1)
    commits_in_flight: int = Field(default=2, ge=1)


class TwilioSettings(_Section):
    account_sid: str
    auth_token: str
    whatsapp_number: str
    api_base: str


class OpenAISettings(_Section):
    api_key: str
    base_url: str
    model: str
    transcription_model: str
    speech_model: str
    # Small and cheap: it only translates a task title or reminder text (minkops.ai.translation).
    translation_model: str = "gpt-4.1-nano"
    timeout_seconds: float = Field(gt=0)
    max_retries: int = Field(ge=0)
    history_turns: int = Field(ge=0)
    circuit_failures: int = Field(ge=1)
    circuit_reset_seconds: float = Field(gt=0)


class VoiceSettings(_Section):
    max_media_bytes: int = Field(gt=0)
    fetch_timeout_seconds: float = Field(gt=0)
    # Voice notes out (minkops.voice); config/minkops.toml says why each default.
    audio_format: Literal["opus", "mp3"]
    media_lifetime_seconds: int = Field(ge=60)
    openai_voice: str = Field(min_length=1)
    max_note_seconds: int = Field(ge=5, le=290)  # 290 s of speech is ~4,096 characters


class StripeSettings(_Section):
    api_key: str
    webhook_secret: str
    api_base: str


class BillingSettings(_Section):
    meters: dict[Literal["messages", "tasks", "voice_notes"], str]
    grace_days: int = Field(ge=0)
    metering_interval_seconds: float = Field(gt=0)
    metering_retry_max_seconds: float = Field(gt=0)


class LogSettings(_Section):
    format: Literal["", "json", "console"]
    level: Literal["debug", "info", "warning", "error"]


class ActorSettings(_Section):
    idle_timeout_seconds: float = Field(gt=0)
    max_live: int = Field(gt=0)
    thread_stack_kib: int = Field(ge=64)
    understanding_pool_size: int = Field(ge=1)
    voice_pool_size: int = Field(ge=1)
    reply_deadline_seconds: float = Field(gt=0)
    housekeeping_interval_seconds: float = Field(gt=0)
    outbound_pool_size: int = Field(ge=1)


class OutboundSettings(_Section):
    max_attempts: int = Field(ge=1)
    backoff_base_seconds: float = Field(gt=0)
    backoff_max_seconds: float = Field(gt=0)
    backoff_jitter: float = Field(ge=0, le=1)
    sending_lease_seconds: float = Field(gt=0)
    reconcile_lookback: int = Field(ge=1, le=1000)
    sweep_interval_seconds: float = Field(gt=0)
    sweep_batch: int = Field(ge=1)
    # Twilio's documented per-sender WhatsApp throughput (minkops.actors.send_rate says where).
    text_messages_per_second: float = Field(default=10.0, gt=0)
    media_messages_per_second: float = Field(default=1.5, gt=0)


class PrivacySettings(_Section):
    export_ttl_minutes: int = Field(ge=1, le=1440)
    termination_grace_days: int = Field(ge=0)
    retention_interval_seconds: float = Field(gt=0)
    policy_url: str = Field(min_length=1)


class FaultSettings(_Section):
    """Issue 8: nothing acknowledged is lost, no input stalls the service."""

    db_request_timeout_seconds: float = Field(default=2.0, gt=0)
    redeliver_after_seconds: float = Field(default=5.0, gt=0)
    sweep_interval_seconds: float = Field(default=1.0, gt=0)
    redeliver_backoff_base_seconds: float = Field(default=2.0, gt=0)
    redeliver_backoff_max_seconds: float = Field(default=60.0, gt=0)
    max_delivery_attempts: int = Field(default=8, ge=1)
    spool_drain_interval_seconds: float = Field(default=0.5, gt=0)
    listen_reconnect_max_seconds: float = Field(default=10.0, gt=0)
    max_form_fields: int = Field(default=300, ge=10)
    body_read_timeout_seconds: float = Field(default=10.0, gt=0)
    max_connections: int = Field(default=1000, ge=1)
    sender_messages_per_minute: int = Field(default=30, ge=1)
    media_redirect_hosts: list[str] = Field(
        default_factory=lambda: ["mms.twiliocdn.com", "media.twiliocdn.com", "s3.amazonaws.com"]
    )


class RemindersSettings(_Section):
    """The reminder scheduler and the 24-hour window (config/minkops.toml says why)."""

    max_sleep_seconds: float = Field(default=60.0, gt=0)
    redispatch_seconds: float = Field(default=5.0, gt=0)
    dispatch_batch: int = Field(default=1000, ge=1)
    templates: bool = True


class Settings(_Section):
    data_dir: Path
    http: HttpSettings
    database: DatabaseSettings
    twilio: TwilioSettings
    openai: OpenAISettings
    voice: VoiceSettings
    stripe: StripeSettings
    log: LogSettings
    actors: ActorSettings
    outbound: OutboundSettings
    privacy: PrivacySettings
    faults: FaultSettings = Field(default_factory=FaultSettings)
    reminders: RemindersSettings = Field(default_factory=RemindersSettings)
    billing: BillingSettings
    config_overlay: Path | None = None
    """MINKOPS_CONFIG, when given: plans.toml's [plans.*] are overlaid by its own."""

    @property
    def public_url(self) -> str:
        if self.http.public_url:
            return self.http.public_url.rstrip("/")
        return f"http://{self.http.host}:{self.http.port}"


# Environment variable -> dotted settings key (see CONTRACT.md / README).
ENVIRONMENT: dict[str, str] = {
    "MINKOPS_DATA_DIR": "data_dir",
    "DATABASE_URL": "database.url",
    "MINKOPS_HTTP_HOST": "http.host",
    "MINKOPS_HTTP_PORT": "http.port",
    "MINKOPS_PUBLIC_URL": "http.public_url",
    "MINKOPS_MAX_BODY_BYTES": "http.max_body_bytes",
    "TWILIO_ACCOUNT_SID": "twilio.account_sid",
    "TWILIO_AUTH_TOKEN": "twilio.auth_token",
    "TWILIO_WHATSAPP_NUMBER": "twilio.whatsapp_number",
    "TWILIO_API_BASE": "twilio.api_base",
    "OPENAI_API_KEY": "openai.api_key",
    "OPENAI_BASE_URL": "openai.base_url",
    "STRIPE_API_KEY": "stripe.api_key",
    "STRIPE_WEBHOOK_SECRET": "stripe.webhook_secret",
    "STRIPE_API_BASE": "stripe.api_base",
    "MINKOPS_LOG_FORMAT": "log.format",
    "MINKOPS_LOG_LEVEL": "log.level",
}


def load_settings(environ: Mapping[str, str], config_dir: Path = CONFIG_DIR) -> Settings:
    """Build the settings, or raise SettingsError naming the first bad key and where it came from."""
    sources: dict[str, str] = {}
    data = _read_toml(config_dir / "minkops.toml")
    _note_sources(data, "", str(config_dir / "minkops.toml"), sources)
    extra = environ.get("MINKOPS_CONFIG")
    if extra:
        overlay = _read_toml(Path(extra))
        _note_sources(overlay, "", extra, sources)
        data = _merge(data, overlay)
        data.pop("plans", None)  # read by minkops.domain.billing.load_plans
        data["config_overlay"] = extra
    for variable, key in ENVIRONMENT.items():
        if variable in environ:
            _set_dotted(data, key, environ[variable])
            sources[key] = variable
    try:
        return Settings.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        origin = sources.get(key, "settings")
        raise SettingsError(f"bad setting {key} (from {origin}): {first['msg']}") from None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        raise SettingsError(f"settings file not found: {path}") from None
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"settings file {path} is not valid TOML: {error}") from None


def _merge(base: dict[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in overlay.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _set_dotted(data: dict[str, Any], dotted: str, value: str) -> None:
    *sections, leaf = dotted.split(".")
    node = data
    for section in sections:
        node = node.setdefault(section, {})
    node[leaf] = value


def _note_sources(data: Mapping[str, Any], prefix: str, origin: str, out: dict[str, str]) -> None:
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping):
            _note_sources(value, dotted + ".", origin, out)
        else:
            out[dotted] = origin

"""WhatsApp templates: defined as data (`config/templates.toml`), created through Twilio's
Content API, and looked up by name when the outbound path needs one.

`sync` is `minkops templates sync`: for every template and language it creates the Content
resource unless one with its name exists, and requests WhatsApp approval unless requested
before. It is idempotent. `TemplateBook` is what a sender uses: it finds a template's SID by
name (listing the account's Content once), and creates it when missing, so a service on a
fresh account still has its templates.
"""

from __future__ import annotations

import json
import threading
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client
from twilio.rest.content.v1.content import ContentList
from twilio.rest.content.v1.content.approval_create import ApprovalCreateList

from minkops.i18n import SUPPORTED_LANGUAGES, pick_language, translate
from minkops.logs import get_logger
from minkops.settings import CONFIG_DIR

log = get_logger(__name__)

VARIABLE = "{{1}}"


@dataclass(frozen=True)
class TemplateSpec:
    name: str
    kinds: tuple[str, ...]
    category: str
    body_key: str
    buttons: tuple[tuple[str, str], ...]  # (payload id, catalogue key)

    def twilio_name(self, language: str) -> str:
        return f"{self.name}_{language}"

    def content(self, language: str) -> dict[str, Any]:
        """The Content API request for this template in `language`."""
        body = translate(language, self.body_key, message=VARIABLE)
        types: dict[str, Any] = {"twilio/text": {"body": body}}
        if self.buttons:
            types["twilio/quick-reply"] = {
                "body": body,
                "actions": [
                    {"title": translate(language, key), "id": payload}
                    for payload, key in self.buttons
                ],
            }
        return {
            "friendly_name": self.twilio_name(language),
            "language": language,
            "variables": {"1": "…"},
            "types": types,
        }


@dataclass(frozen=True)
class Templates:
    default: str
    specs: Mapping[str, TemplateSpec]

    def for_kind(self, kind: str) -> TemplateSpec:
        """The template that carries an outbox row of `kind` outside the 24-hour window."""
        for spec in self.specs.values():
            if kind in spec.kinds:
                return spec
        return self.specs[self.default]


def load_templates(path: Path = CONFIG_DIR / "templates.toml") -> Templates:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    specs = {
        name: TemplateSpec(
            name=name,
            kinds=tuple(entry["kinds"]),
            category=entry["category"],
            body_key=entry["body"],
            buttons=tuple(entry.get("buttons", {}).items()),
        )
        for name, entry in data["templates"].items()
    }
    if data["default"] not in specs:
        raise ValueError(f"default template {data['default']!r} is not defined")
    return Templates(data["default"], specs)


@cache
def templates() -> Templates:
    return load_templates()


def content_variables(text: str) -> str:
    """The row's text as the template's one variable (Twilio wants a JSON string)."""
    return json.dumps({"1": text}, ensure_ascii=False)


# --- Twilio ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Synced:
    name: str
    sid: str
    created: bool
    approval: str


def _existing(client: Client) -> dict[str, str]:
    return {str(c.friendly_name): str(c.sid) for c in client.content.v1.contents.list()}


def _approval_status(client: Client, sid: str) -> str | None:
    try:
        whatsapp: Any = client.content.v1.contents(sid).approval_fetch().fetch().whatsapp
    except TwilioRestException:
        return None
    status = (whatsapp or {}).get("status")
    return str(status) if status and status != "unsubmitted" else None


def ensure(
    client: Client, spec: TemplateSpec, language: str, existing: Mapping[str, str]
) -> Synced:
    """Create one template unless it exists, and request approval unless requested."""
    name = spec.twilio_name(language)
    sid = existing.get(name)
    created = sid is None
    if sid is None:
        request = ContentList.ContentCreateRequest(spec.content(language))
        sid = str(client.content.v1.contents.create(request).sid)
    status = _approval_status(client, sid)
    if status is None:
        approval = ApprovalCreateList.ContentApprovalRequest(
            {"name": name, "category": spec.category}
        )
        status = str(client.content.v1.contents(sid).approval_create.create(approval).status)
    return Synced(name, sid, created, status)


def sync(client: Client, book: Templates | None = None) -> list[Synced]:
    """Every template in every language the product speaks; idempotent."""
    book = book or templates()
    existing = _existing(client)
    return [
        ensure(client, spec, language, existing)
        for spec in book.specs.values()
        for language in SUPPORTED_LANGUAGES
    ]


class TemplateBook:
    """SIDs by (template, language), found by name at Twilio and created when missing."""

    def __init__(self, client: Client, book: Templates | None = None) -> None:
        self._client = client
        self._book = book or templates()
        self._sids: dict[str, str] | None = None
        self._lock = threading.Lock()

    def sid_for(self, kind: str, language: str | None) -> tuple[str, str]:
        """(template name in Twilio, ContentSid) for a row of `kind` to someone speaking
        `language` (English when the product does not speak it)."""
        spec = self._book.for_kind(kind)
        language = pick_language(language)
        name = spec.twilio_name(language)
        with self._lock:
            if self._sids is None or name not in self._sids:
                self._sids = _existing(self._client)
            sid = self._sids.get(name)
            if sid is None:
                synced = ensure(self._client, spec, language, self._sids)
                log.info("templates.created", template=name, approval=synced.approval)
                sid = self._sids[name] = synced.sid
        return name, sid

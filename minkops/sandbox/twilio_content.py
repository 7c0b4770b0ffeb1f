"""Twilio's Content API (content.twilio.com/v1) as the stand-in models it: templates, WhatsApp
approval, and rendering a template with ``ContentVariables`` when a message is sent.

Pure data and functions: the stand-in keeps the templates under its own lock and turns the
``TwilioError``s raised here into Twilio's JSON errors. Shapes follow twilio-oai's
``twilio_content_v1`` spec and twilio-python 9.13's ``content.v1`` classes (which post JSON).
Only ``twilio/text`` and ``twilio/quick-reply`` are modelled: those are what MinkOps sends.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlencode

from minkops.sandbox.twilio_errors import TwilioError

CONTENT_BASE = "https://content.twilio.com"
TEXT = "twilio/text"
QUICK_REPLY = "twilio/quick-reply"
SUPPORTED_TYPES = (TEXT, QUICK_REPLY)
CATEGORIES = ("UTILITY", "MARKETING", "AUTHENTICATION")
# Limits from Twilio's content-type pages and "Using variables with Content Templates".
MAX_TEXT_BODY = 1600
MAX_QUICK_REPLY_BODY = 1024
MAX_QUICK_REPLY_ACTIONS = 10
MAX_BUTTON_TITLE = 20
MAX_VARIABLES = 100
MAX_VARIABLE_KEY = 16
MAX_VARIABLE_VALUE = 1600
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
# Meta's rule for template names: lowercase letters, digits and underscores.
_APPROVAL_NAME = re.compile(r"[a-z0-9_]{1,512}")
# A placeholder is {{key}}; the key may not hold braces, so this never backtracks far.
_PLACEHOLDER = re.compile(r"\{\{([^{}]*)\}\}")

# The Content API's own errors are not listed on Twilio's error pages; like the Messages
# API's query errors in the stand-in, they answer 400 with 20001.
_BAD_REQUEST = 20001
_CONTENT_VARIABLES_INVALID = 21656

T = TypeVar("T")


@dataclass(frozen=True)
class QuickReply:
    """One quick-reply button: the text shown (``ButtonText``) and its id (``ButtonPayload``)."""

    title: str
    id: str


@dataclass(frozen=True)
class ApprovalRequest:
    """A WhatsApp approval request; its outcome is decided when it is made, revealed later."""

    name: str
    category: str
    content_type: str
    requested_at: datetime
    decided_at: datetime
    rejection_reason: str  # empty: it will be approved

    def status(self, now: datetime) -> str:
        """``received`` when asked, ``pending`` while WhatsApp reviews, then the outcome."""
        if now >= self.decided_at:
            return "rejected" if self.rejection_reason else "approved"
        return "pending" if now > self.requested_at else "received"


@dataclass(frozen=True)
class Template:
    """One Content resource."""

    sid: str
    account_sid: str
    friendly_name: str
    language: str
    variables: Mapping[str, str]
    types: Mapping[str, Mapping[str, Any]]
    date_created: datetime
    date_updated: datetime
    approval: ApprovalRequest | None = None

    @property
    def content_type(self) -> str:
        """The type WhatsApp gets: quick replies where the template has them."""
        return QUICK_REPLY if QUICK_REPLY in self.types else TEXT

    @property
    def body(self) -> str:
        return str(self.types[self.content_type]["body"])

    @property
    def actions(self) -> tuple[QuickReply, ...]:
        if self.content_type != QUICK_REPLY:
            return ()
        return tuple(
            QuickReply(str(a["title"]), str(a.get("id") or a["title"]))
            for a in self.types[QUICK_REPLY]["actions"]
        )

    def approval_status(self, now: datetime) -> str:
        return "unsubmitted" if self.approval is None else self.approval.status(now)

    def approved(self, now: datetime) -> bool:
        return self.approval_status(now) == "approved"


def _bad(message: str) -> TwilioError:
    return TwilioError(400, _BAD_REQUEST, message)


def _string(value: object, name: str, *, limit: int, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise _bad(f"Invalid Parameter: {name} must be a non-empty string")
    if len(value) > limit:
        raise _bad(f"Invalid Parameter: {name} exceeds {limit} characters")
    return value


def _variables(raw: object) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _bad("Invalid Parameter: variables must be an object of strings")
    if len(raw) > MAX_VARIABLES:
        raise _bad(f"Invalid variables. The max amount of variables allowed is {MAX_VARIABLES}")
    variables: dict[str, str] = {}
    for key, value in raw.items():
        if not key or len(key) > MAX_VARIABLE_KEY or any(c.isspace() for c in key):
            raise _bad(f"Invalid Parameter: variable name {key!r}")
        variables[key] = _string(value, f"variables.{key}", limit=MAX_VARIABLE_VALUE)
    return variables


def _quick_reply(raw: Mapping[str, Any]) -> dict[str, Any]:
    body = _string(raw.get("body"), "twilio/quick-reply body", limit=MAX_QUICK_REPLY_BODY)
    actions = raw.get("actions")
    if not isinstance(actions, list) or not 1 <= len(actions) <= MAX_QUICK_REPLY_ACTIONS:
        raise _bad(
            f"Invalid Parameter: twilio/quick-reply needs 1 to {MAX_QUICK_REPLY_ACTIONS} actions"
        )
    cleaned: list[dict[str, str]] = []
    for index, action in enumerate(actions):
        if not isinstance(action, dict):
            raise _bad(f"Invalid Parameter: actions[{index}] must be an object")
        kind = action.get("type")
        if kind not in (None, "QUICK_REPLY"):
            raise _bad(f"Invalid Parameter: actions[{index}].type must be QUICK_REPLY")
        item = {"title": _string(action.get("title"), "title", limit=MAX_BUTTON_TITLE)}
        if action.get("id") is not None:
            item["id"] = _string(action["id"], "id", limit=MAX_VARIABLE_VALUE)
        if kind is not None:
            item["type"] = kind
        cleaned.append(item)
    return {"body": body, "actions": cleaned}


def parse_create(payload: object, *, sid: str, account_sid: str, now: datetime) -> Template:
    """A Template from a ``POST /v1/Content`` JSON body, or a 400 as Twilio would answer."""
    if not isinstance(payload, dict):
        raise _bad("Invalid Parameter: the body must be a JSON object")
    language = _string(payload.get("language"), "language", limit=16)
    friendly_name = _string(
        payload.get("friendly_name"), "friendly_name", limit=256, required=False
    )
    raw_types = payload.get("types")
    # The spec makes every type nullable: a null type is an absent one.
    present = (
        {k: v for k, v in raw_types.items() if v is not None} if isinstance(raw_types, dict) else {}
    )
    if not present:
        raise _bad("Invalid Parameter: types must hold at least one content type")
    unsupported = sorted(set(present) - set(SUPPORTED_TYPES))
    if unsupported:
        raise _bad(
            f"The Twilio stand-in models only {', '.join(SUPPORTED_TYPES)}, not "
            f"{', '.join(unsupported)}"
        )
    types: dict[str, dict[str, Any]] = {}
    for name, value in present.items():
        if not isinstance(value, dict):
            raise _bad(f"Invalid Parameter: types.{name} must be an object")
        if name == TEXT:
            types[TEXT] = {
                "body": _string(value.get("body"), "twilio/text body", limit=MAX_TEXT_BODY)
            }
        else:
            types[QUICK_REPLY] = _quick_reply(value)
    return Template(
        sid=sid,
        account_sid=account_sid,
        friendly_name=friendly_name,
        language=language,
        variables=_variables(payload.get("variables")),
        types=types,
        date_created=now,
        date_updated=now,
    )


def parse_approval(payload: object) -> tuple[str, str]:
    """``(name, category)`` from a WhatsApp approval request body."""
    if not isinstance(payload, dict):
        raise _bad("Invalid Parameter: the body must be a JSON object")
    name = payload.get("name")
    if not isinstance(name, str) or not _APPROVAL_NAME.fullmatch(name):
        raise _bad(
            "Invalid Parameter: name must be lowercase letters, digits and underscores "
            "(at most 512 characters), as WhatsApp requires"
        )
    category = payload.get("category")
    if not isinstance(category, str) or category.upper() not in CATEGORIES:
        raise _bad(f"Invalid Parameter: category must be one of {', '.join(CATEGORIES)}")
    return name, category.upper()


def whatsapp_format_problem(template: Template) -> str | None:
    """Why WhatsApp would reject this template's format, per its published rules, if it would."""
    texts = [template.body, *(a.title for a in template.actions)]
    keys = [m.group(1) for text in texts for m in _PLACEHOLDER.finditer(text)]
    numbers = sorted({int(k) for k in keys if k.isdigit()})
    if any(not k.isdigit() for k in keys) or numbers != list(range(1, len(numbers) + 1)):
        return "INVALID_FORMAT: variables must be numbered {{1}}, {{2}}, … without gaps"
    if any(k not in template.variables for k in keys):
        return "INVALID_FORMAT: every variable needs a sample value in variables"
    body = template.body.strip()
    if _PLACEHOLDER.match(body) or re.search(r"\{\{[^{}]*\}\}$", body):
        return "INVALID_FORMAT: the body may not start or end with a variable"
    if re.search(r"\}\}\s*\{\{", body):
        return "INVALID_FORMAT: two variables may not stand next to each other"
    return None


def _fill(text: str, values: Mapping[str, object], defaults: Mapping[str, str]) -> str:
    def invalid(why: str) -> TwilioError:
        return TwilioError(
            400, _CONTENT_VARIABLES_INVALID, f"The ContentVariables Parameter is invalid: {why}"
        )

    pieces: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(text):
        key = match.group(1)
        if not key or any(c.isspace() for c in key):
            raise invalid(f"placeholder {match.group(0)!r} is malformed")
        if key in values:
            value = values[key]
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                raise invalid(f"variable {key} must be a string")
            shown = str(value)
        else:
            shown = defaults.get(key, "")
        if not shown:
            raise invalid(f"variable {key} has no value")
        pieces += [text[position : match.start()], shown]
        position = match.end()
    rest = text[position:]
    if any("{{" in literal or "}}" in literal for literal in [*pieces[::2], rest]):
        raise invalid("a placeholder is not closed")
    return "".join(pieces) + rest


def render(template: Template, values: Mapping[str, object]) -> tuple[str, tuple[QuickReply, ...]]:
    """The body and buttons a recipient sees; a missing or empty variable is Twilio's 21656.

    Variables not given fall back to the template's samples, as Twilio documents.
    """
    body = _fill(template.body, values, template.variables)
    actions = tuple(
        QuickReply(
            _fill(a.title, values, template.variables), _fill(a.id, values, template.variables)
        )
        for a in template.actions
    )
    return body, actions


# ----- resources (the JSON Twilio answers) -----


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def content_url(sid: str) -> str:
    return f"{CONTENT_BASE}/v1/Content/{sid}"


def content_resource(template: Template) -> dict[str, object]:
    url = content_url(template.sid)
    return {
        "sid": template.sid,
        "account_sid": template.account_sid,
        "friendly_name": template.friendly_name,
        "language": template.language,
        "variables": dict(template.variables),
        "types": {k: dict(v) for k, v in template.types.items()},
        "url": url,
        "date_created": _iso(template.date_created),
        "date_updated": _iso(template.date_updated),
        "links": {
            "approval_create": f"{url}/ApprovalRequests/whatsapp",
            "approval_fetch": f"{url}/ApprovalRequests",
        },
    }


def approval_resource(template: Template, now: datetime) -> dict[str, object]:
    """The WhatsApp approval object, as nested in ApprovalRequests and ContentAndApprovals."""
    approval = template.approval
    if approval is None:
        return {
            "name": "",
            "category": "",
            "content_type": "",
            "status": "unsubmitted",
            "rejection_reason": "",
            "allow_category_change": True,
        }
    status = approval.status(now)
    return {
        "name": approval.name,
        "category": approval.category,
        "content_type": approval.content_type,
        "status": status,
        "rejection_reason": approval.rejection_reason if status == "rejected" else "",
        "allow_category_change": True,
    }


def approval_fetch_resource(template: Template, now: datetime) -> dict[str, object]:
    return {
        "sid": template.sid,
        "account_sid": template.account_sid,
        "whatsapp": {"type": "whatsapp", **approval_resource(template, now)},
        "url": f"{content_url(template.sid)}/ApprovalRequests",
    }


def content_and_approvals_resource(template: Template, now: datetime) -> dict[str, object]:
    resource = content_resource(template)
    for key in ("url", "links"):
        resource.pop(key)
    return {**resource, "approval_requests": approval_resource(template, now)}


def _page_param(query: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise _bad(f"Invalid {name}: {raw}")
    return value


def content_page(
    items: Sequence[T],
    sid_of: Callable[[T], str],
    to_json: Callable[[T], dict[str, object]],
    query: Mapping[str, str],
    path: str,
) -> dict[str, object]:
    """One page in the Content API's ``meta`` paging shape, newest first.

    Page tokens name a sid ("PA": after it, "PB": the page before it), so resources created
    while a client pages do not shift the pages it already has.
    """
    page_size = _page_param(query, "PageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    page = _page_param(query, "Page", 0, 0, 1 << 31)
    token = query.get("PageToken")
    sids = [sid_of(item) for item in items]
    if token is None:
        start = page * page_size
    elif token[:2] in ("PA", "PB") and token[2:] in sids:
        position = sids.index(token[2:])
        start = position + 1 if token[:2] == "PA" else max(position - page_size, 0)
    else:
        raise _bad(f"Invalid PageToken: {token}")
    records = list(items[start : start + page_size])

    def url(number: int, page_token: str | None) -> str:
        params = [("PageSize", str(page_size)), ("Page", str(number))]
        if page_token is not None:
            params.append(("PageToken", page_token))
        return f"{CONTENT_BASE}{path}?{urlencode(params)}"

    has_next = start + page_size < len(items)
    return {
        "contents": [to_json(item) for item in records],
        "meta": {
            "page": page,
            "page_size": page_size,
            "first_page_url": url(0, None),
            "previous_page_url": (
                url(max(page - 1, 0), "PB" + sid_of(records[0])) if start > 0 and records else None
            ),
            "url": url(page, token),
            "next_page_url": url(page + 1, "PA" + sid_of(records[-1])) if has_next else None,
            "key": "contents",
        },
    }

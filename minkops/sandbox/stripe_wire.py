"""Stripe's v1 wire format, as the stand-in speaks it: bracketed form parameters, error bodies,
ids, list pages and `expand`.

Kept apart from the resources so that every endpoint reads its parameters and fails the same
way Stripe does (the same messages, codes and `param` paths), which is what client code and
its error handling are written against.
"""

from __future__ import annotations

import copy
import re
import secrets
import string
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from aiohttp import web

JSON = dict[str, Any]

INVALID_REQUEST = "invalid_request_error"
API_ERROR = "api_error"
IDEMPOTENCY_ERROR = "idempotency_error"

DEFAULT_LIMIT = 10
MAX_LIMIT = 100
MAX_METADATA_KEYS = 50
MAX_METADATA_KEY_CHARS = 40
MAX_METADATA_VALUE_CHARS = 500

_ALPHANUMERIC = string.ascii_letters + string.digits
_INTEGER = re.compile(r"^-?\d+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class StripeError(Exception):
    """Raised anywhere below a handler to answer with Stripe's error body."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = INVALID_REQUEST,
        code: str | None = None,
        param: str | None = None,
        should_retry: bool | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.code = code
        self.param = param
        self.should_retry = should_retry

    def body(self, request_id: str | None = None) -> JSON:
        error: JSON = {"message": self.message, "type": self.type}
        if self.code is not None:
            error["code"] = self.code
            error["doc_url"] = f"https://stripe.com/docs/error-codes/{self.code.replace('_', '-')}"
        if self.param is not None:
            error["param"] = self.param
        if request_id is not None:
            error["request_log_url"] = (
                f"https://dashboard.stripe.com/test/logs/{request_id}?t={secrets.randbelow(10**9)}"
            )
        return {"error": error}

    def response(self, request_id: str) -> web.Response:
        headers = {"Request-Id": request_id}
        if self.should_retry is not None:
            # The SDK's retry loop obeys this header before looking at the status code.
            headers["Stripe-Should-Retry"] = "true" if self.should_retry else "false"
        return web.json_response(self.body(request_id), status=self.status, headers=headers)


def new_id(prefix: str, length: int = 24) -> str:
    return prefix + "".join(secrets.choice(_ALPHANUMERIC) for _ in range(length))


def missing(path: str) -> StripeError:
    return StripeError(
        400, f"Missing required param: {path}.", code="parameter_missing", param=path
    )


def no_such(kind: str, object_id: str, param: str | None = "id", status: int = 404) -> StripeError:
    return StripeError(
        status, f"No such {kind}: '{object_id}'", code="resource_missing", param=param
    )


def unrecognized_url(method: str, path: str) -> StripeError:
    return StripeError(
        404,
        f"Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs "
        "or we can help at https://support.stripe.com/.",
    )


# ----- form decoding -----


def decode_form(pairs: Iterable[tuple[str, str]]) -> JSON:
    """`a[b][0][c]=v` and `expand[]=x` into nested dicts.

    Arrays stay dicts keyed "0", "1", … here: only the endpoint knows whether `metadata[0]`
    is a key called "0" or an element, so `Params.array` makes lists where lists are expected.
    """
    root: JSON = {}
    for name, value in pairs:
        tokens = _split_name(name)
        node = root
        for index, token in enumerate(tokens):
            if token == "" and index > 0:
                token = str(len(node))  # "expand[]" appends
            if index == len(tokens) - 1:
                if isinstance(node.get(token), dict):
                    raise StripeError(400, f"Invalid hash: {name}", param=name)
                node[token] = value
                continue
            child = node.setdefault(token, {})
            if not isinstance(child, dict):
                prefix = _render(tokens[: index + 1])
                raise StripeError(400, f"Invalid hash: {prefix}", param=prefix)
            node = child
    return root


def _split_name(name: str) -> list[str]:
    head, bracket, rest = name.partition("[")
    if not bracket:
        return [name]
    if not rest.endswith("]"):
        raise StripeError(400, f"Invalid parameter name: {name}")
    return [head, *rest[:-1].split("][")]


def _render(tokens: Sequence[str]) -> str:
    return tokens[0] + "".join(f"[{token}]" for token in tokens[1:])


# ----- typed parameter access -----


class Params:
    """One endpoint's (or one nested hash's) parameters, read the way Stripe validates them."""

    def __init__(self, data: Mapping[str, Any], path: str = "") -> None:
        self.data = dict(data)
        self.path = path

    def name(self, key: str) -> str:
        return f"{self.path}[{key}]" if self.path else key

    def __contains__(self, key: str) -> bool:
        return key in self.data

    def only(self, allowed: Iterable[str]) -> None:
        """Refuse parameters the endpoint does not know, as Stripe does (typos fail loudly)."""
        known = {*allowed, "expand"}
        for key in self.data:
            if key not in known:
                raise StripeError(
                    400,
                    f"Received unknown parameter: {self.name(key)}",
                    code="parameter_unknown",
                    param=self.name(key),
                )

    def string(self, key: str, *, required: bool = False, max_chars: int = 5000) -> str | None:
        value = self.data.get(key)
        if value is None or (value == "" and not required):
            if required:
                raise missing(self.name(key))
            return None
        if not isinstance(value, str):
            raise StripeError(400, f"Invalid string: {value!r}", param=self.name(key))
        if required and value == "":
            raise StripeError(
                400,
                f"You passed an empty string for '{self.name(key)}'. We assume empty values are "
                "an attempt to unset a parameter; however '"
                f"{self.name(key)}' cannot be unset. You should remove '{self.name(key)}' from "
                "your request or supply a non-empty value.",
                code="parameter_invalid_empty",
                param=self.name(key),
            )
        if len(value) > max_chars:
            raise StripeError(
                400,
                f"Invalid string: {value[:20]}...; must be at most {max_chars} characters",
                code="string_length_exceeds_maximum",
                param=self.name(key),
            )
        return value

    def required_string(self, key: str, *, max_chars: int = 5000) -> str:
        value = self.string(key, required=True, max_chars=max_chars)
        assert value is not None
        return value

    def choice(self, key: str, options: Sequence[str], *, required: bool = False) -> str | None:
        value = self.string(key, required=required)
        if value is not None and value not in options:
            raise StripeError(
                400,
                f"Invalid {self.name(key)}: must be one of {', '.join(options)}",
                param=self.name(key),
            )
        return value

    def integer(
        self, key: str, *, required: bool = False, minimum: int | None = None
    ) -> int | None:
        value = self.string(key, required=required)
        if value is None:
            return None
        if not _INTEGER.match(value):
            raise StripeError(
                400,
                f"Invalid integer: {value}",
                code="parameter_invalid_integer",
                param=self.name(key),
            )
        number = int(value)
        if minimum is not None and number < minimum:
            raise StripeError(
                400,
                f"This value must be greater than or equal to {minimum}.",
                code="parameter_invalid_integer",
                param=self.name(key),
            )
        return number

    def boolean(self, key: str) -> bool | None:
        value = self.string(key)
        if value is None:
            return None
        if value not in ("true", "false"):
            raise StripeError(400, f"Invalid boolean: {value}", param=self.name(key))
        return value == "true"

    def email(self, key: str) -> str | None:
        value = self.string(key, max_chars=512)
        if value is not None and not _EMAIL.match(value):
            raise StripeError(
                400, f"Invalid email address: {value}", code="email_invalid", param=self.name(key)
            )
        return value

    def hash(self, key: str, *, required: bool = False) -> Params | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise missing(self.name(key))
            return None
        if not isinstance(value, dict):
            raise StripeError(400, f"Invalid object: {self.name(key)}", param=self.name(key))
        return Params(value, self.name(key))

    def array(self, key: str, *, required: bool = False) -> list[Any] | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise missing(self.name(key))
            return None
        if isinstance(value, dict) and all(k.isdigit() for k in value):
            return [value[k] for k in sorted(value, key=int)]
        raise StripeError(400, f"Invalid array: {self.name(key)}", param=self.name(key))

    def hashes(self, key: str, *, required: bool = False) -> list[Params]:
        elements = self.array(key, required=required) or []
        if required and not elements:
            raise missing(self.name(key))
        found: list[Params] = []
        for index, element in enumerate(elements):
            name = f"{self.name(key)}[{index}]"
            if not isinstance(element, dict):
                raise StripeError(400, f"Invalid object: {name}", param=name)
            found.append(Params(element, name))
        return found

    def strings(self, key: str) -> list[str]:
        elements = self.array(key) or []
        if not all(isinstance(element, str) for element in elements):
            raise StripeError(400, f"Invalid array: {self.name(key)}", param=self.name(key))
        return [str(element) for element in elements]

    def metadata(self, key: str = "metadata") -> dict[str, str] | None:
        """The metadata hash as sent: empty values mean "unset this key" (None: not sent)."""
        value = self.data.get(key)
        if value is None:
            return None
        if value == "":
            return {}
        if not isinstance(value, dict):
            raise StripeError(400, f"Invalid object: {self.name(key)}", param=self.name(key))
        if len(value) > MAX_METADATA_KEYS:
            raise StripeError(
                400,
                f"Invalid {self.name(key)}: metadata can have up to {MAX_METADATA_KEYS} keys",
                param=self.name(key),
            )
        for item_key, item in value.items():
            name = f"{self.name(key)}[{item_key}]"
            if not isinstance(item, str):
                raise StripeError(400, f"Invalid string: {item!r}", param=name)
            if len(item_key) > MAX_METADATA_KEY_CHARS:
                raise StripeError(
                    400,
                    f"Metadata keys can have up to {MAX_METADATA_KEY_CHARS} characters, but you "
                    f"passed in a key that is {len(item_key)} characters. Invalid key: {item_key}",
                    param=name,
                )
            if len(item) > MAX_METADATA_VALUE_CHARS:
                raise StripeError(
                    400,
                    f"Metadata values can have up to {MAX_METADATA_VALUE_CHARS} characters, but "
                    f"you passed in a value that is {len(item)} characters. Invalid value: "
                    f"{item[:40]}",
                    param=name,
                )
        return dict(value)

    def expand(self) -> list[str]:
        return self.strings("expand")


def merge_metadata(current: Mapping[str, str], update: Mapping[str, str] | None) -> dict[str, str]:
    """Stripe merges metadata on update; an empty value removes that key, `metadata=` all."""
    if update is None:
        return dict(current)
    if not update:
        return {}
    merged = dict(current)
    for key, value in update.items():
        if value == "":
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def new_metadata(sent: Mapping[str, str] | None) -> dict[str, str]:
    return {key: value for key, value in (sent or {}).items() if value != ""}


# ----- lists -----


def list_page(objects: Sequence[JSON], params: Params, url: str, kind: str) -> JSON:
    """One page of a newest-first list: `limit`, `starting_after`, `ending_before`, `has_more`."""
    limit = params.integer("limit")
    if limit is None:
        limit = DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise StripeError(
            400,
            f"Invalid integer: {limit}; must be between 1 and {MAX_LIMIT}",
            code="parameter_invalid_integer",
            param="limit",
        )
    after = params.string("starting_after")
    before = params.string("ending_before")
    if after is not None and before is not None:
        raise StripeError(
            400,
            "You may only specify one of these parameters: ending_before, starting_after.",
        )
    ids = [obj["id"] for obj in objects]
    if after is not None:
        if after not in ids:
            raise no_such(kind, after, param="starting_after", status=400)
        start = ids.index(after) + 1
        page = objects[start : start + limit]
        has_more = start + limit < len(objects)
    elif before is not None:
        if before not in ids:
            raise no_such(kind, before, param="ending_before", status=400)
        end = ids.index(before)
        page = objects[max(end - limit, 0) : end]
        has_more = end - limit > 0
    else:
        page = objects[:limit]
        has_more = limit < len(objects)
    return {"object": "list", "data": list(page), "has_more": has_more, "url": url}


def list_object(objects: Sequence[JSON], url: str) -> JSON:
    """A complete embedded list, e.g. a subscription's `items`."""
    return {
        "object": "list",
        "data": list(objects),
        "has_more": False,
        "total_count": len(objects),
        "url": url,
    }


# ----- expand -----

Resolver = Callable[[str], JSON | None]


def expanded(obj: JSON, paths: Iterable[str], resolve: Resolver) -> JSON:
    """A copy of `obj` with each dotted path's id replaced by the object it names."""
    result = copy.deepcopy(obj)
    for path in paths:
        result = _expand(result, path.split("."), resolve, path)
    return result


def _expand(node: Any, segments: list[str], resolve: Resolver, path: str) -> Any:
    if not segments:
        return node
    if isinstance(node, list):
        return [_expand(element, segments, resolve, path) for element in node]
    if not isinstance(node, dict) or segments[0] not in node:
        raise StripeError(400, f"This property cannot be expanded ({path}).")
    head, rest = segments[0], segments[1:]
    child = node[head]
    if isinstance(child, str):
        found = resolve(child)
        if found is None:
            raise StripeError(400, f"This property cannot be expanded ({path}).")
        child = copy.deepcopy(found)
    if child is not None:
        node[head] = _expand(child, rest, resolve, path)
    return node

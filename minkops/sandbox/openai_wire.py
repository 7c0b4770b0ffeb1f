"""OpenAI wire details shared by the stand-in's endpoints: error bodies and headers."""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from aiohttp import web

from minkops.sandbox.openai_script import Fault

INVALID_REQUEST = "invalid_request_error"


class ApiError(Exception):
    """Raised inside a handler to answer with an OpenAI error body."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = INVALID_REQUEST,
        param: str | None = None,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.fault = Fault(status, message, type, code, param, dict(headers or {}))


def request_id() -> str:
    return f"req_{secrets.token_hex(16)}"


def common_headers() -> dict[str, str]:
    # The SDK exposes x-request-id as `._request_id`; the rest mirror what OpenAI sends.
    return {"x-request-id": request_id(), "openai-version": "2020-10-01"}


def error_body(fault: Fault) -> dict[str, dict[str, str | None]]:
    return {
        "error": {
            "message": fault.message,
            "type": fault.type,
            "param": fault.param,
            "code": fault.code,
        }
    }


def fault_response(fault: Fault) -> web.Response:
    headers: Mapping[str, str] = {**common_headers(), **fault.headers}
    return web.json_response(error_body(fault), status=fault.status, headers=headers)


def missing_parameter(name: str) -> ApiError:
    return ApiError(
        400,
        f"Missing required parameter: '{name}'.",
        param=name,
        code="missing_required_parameter",
    )


def invalid_type(name: str, expected: str) -> ApiError:
    return ApiError(
        400,
        f"Invalid type for '{name}': expected {expected}.",
        param=name,
        code="invalid_type",
    )


def estimate_tokens(text: str) -> int:
    """Roughly four characters a token, as OpenAI's own rule of thumb says."""
    return max(1, (len(text) + 3) // 4)

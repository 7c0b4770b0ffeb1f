"""Structured logging: one JSON object per line, phone numbers masked, no locals in tracebacks.

Stdlib records (aiohttp, pykka, asyncpg) and structlog events go through one
ProcessorFormatter so every line has the same shape.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any, TextIO

import structlog

# E.164-looking digit runs, also URL-encoded ("%2B34..."), masked wherever they appear.
_PHONE = re.compile(r"(?:(?<![\w.])\+|%2B|(?<![\w.%]))\d[\d ]{6,17}\d(?!\w)")


def mask_phone(phone: str) -> str:
    """'+34600000001' -> '+34******01': enough to tell numbers apart in an incident, no more."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 5:
        return "*" * len(digits)
    return "+" + digits[:2] + "*" * (len(digits) - 4) + digits[-2:]


def mask_phones_in(text: str) -> str:
    def masked(match: re.Match[str]) -> str:
        found = match.group(0)
        if found.startswith("%2B"):
            return "%2B" + mask_phone(found[3:]).removeprefix("+")
        return mask_phone(found)

    return _PHONE.sub(masked, text)


def _mask_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask_phones_in(value)
    if isinstance(value, Mapping):
        return {key: _mask_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_mask_value(item) for item in value]
    return value


def redact_phones(
    _: Any, __: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    for key, value in list(event_dict.items()):
        event_dict[key] = _mask_value(value)
    return event_dict


def configure_logging(
    format: str = "json", level: str = "info", stream: TextIO | None = None
) -> None:
    """Set up structlog and the stdlib root logger. `format` is 'json' or 'console'."""
    stream = stream or sys.stderr
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: Any
    if format == "console":
        renderer = structlog.dev.ConsoleRenderer(
            exception_formatter=structlog.dev.plain_traceback, colors=False
        )
        exception_processors: list[Any] = []
    else:
        renderer = structlog.processors.JSONRenderer()
        # show_locals=False: rendering locals would leak phone numbers, message text and secrets.
        exception_processors = [
            structlog.processors.ExceptionRenderer(
                structlog.tracebacks.ExceptionDictTransformer(show_locals=False)
            )
        ]
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            *exception_processors,
            redact_phones,
            renderer,
        ],
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # aiohttp's access log repeats every request with the caller's address; our events say more.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    # The twilio SDK logs every request and its headers at INFO: noise, and URLs carry numbers.
    logging.getLogger("twilio.http_client").setLevel(logging.WARNING)
    # The openai SDK's HTTP client logs every request at INFO; openai.call says more.
    for name in ("httpx", "httpx2", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    structlog.configure(
        processors=[
            *shared,
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        # Filtering: an event below the level returns at once, before any processor runs
        # (debug events carry message text: at INFO they cost a method call, not a render).
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        # Cached on first use: the processor chain is not rebuilt for every event. The process
        # configures logging before it logs (cli.py; tests in conftest's pytest_configure).
        cache_logger_on_first_use=True,
    )


def get_logger(name: str) -> structlog.typing.FilteringBoundLogger:
    logger: structlog.typing.FilteringBoundLogger = structlog.get_logger(name)
    return logger

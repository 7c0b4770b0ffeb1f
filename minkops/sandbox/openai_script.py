"""What the OpenAI stand-in has been told to answer, and what it has been asked."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar


@dataclass(frozen=True)
class Fault:
    """An OpenAI error answer: HTTP status plus the `{"error": {...}}` body."""

    status: int = 500
    message: str = "The server had an error while processing your request. Sorry about that!"
    type: str = "server_error"
    code: str | None = None
    param: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def rate_limit(cls, *, retry_after_ms: int = 10) -> Fault:
        """429 as OpenAI sends it; the SDK waits `retry-after-ms` before retrying."""
        return cls(
            status=429,
            message="Rate limit reached for requests. Please try again later.",
            type="requests",
            code="rate_limit_exceeded",
            headers={"retry-after-ms": str(retry_after_ms)},
        )

    @classmethod
    def server_error(cls, *, retry_after_ms: int = 10) -> Fault:
        return cls(headers={"retry-after-ms": str(retry_after_ms)})

    @classmethod
    def insufficient_quota(cls) -> Fault:
        return cls(
            status=429,
            message="You exceeded your current quota, please check your plan and billing details.",
            type="insufficient_quota",
            code="insufficient_quota",
            headers={"x-should-retry": "false"},
        )


@dataclass(frozen=True)
class Refusal:
    """A chat answer in which the model declines: `message.refusal` set, no content."""

    text: str


@dataclass(frozen=True)
class UploadedFile:
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass(frozen=True)
class StandInRequest:
    """One authenticated request as the stand-in received it."""

    method: str
    path: str
    headers: Mapping[str, str]
    json: Mapping[str, Any] | None = None  # JSON endpoints
    form: Mapping[str, str] = field(default_factory=dict)  # multipart fields other than files
    file: UploadedFile | None = None

    @property
    def messages(self) -> list[Mapping[str, Any]]:
        messages = (self.json or {}).get("messages")
        return [m for m in messages if isinstance(m, Mapping)] if isinstance(messages, list) else []

    @property
    def last_user_text(self) -> str:
        """Text of the last user message ("" if there is none)."""
        for message in reversed(self.messages):
            if message.get("role") == "user":
                return message_text(message)
        return ""

    @property
    def prompt_text(self) -> str:
        """All message texts, one per line, for asserting what the prompt contained."""
        return "\n".join(message_text(m) for m in self.messages)


def message_text(message: Mapping[str, Any]) -> str:
    """A chat message's text, whether its content is a string or a list of parts."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            str(part.get("text", ""))
            for part in content
            if isinstance(part, Mapping) and part.get("type") == "text"
        )
    return ""


Matcher = Callable[[StandInRequest], bool]
Answer = TypeVar("Answer")


@dataclass
class _Entry(Generic[Answer]):
    matcher: Matcher
    answer: Answer | Fault
    remaining: int | None  # None: forever
    delay: float


@dataclass(frozen=True)
class Scripted(Generic[Answer]):
    answer: Answer | Fault
    delay: float


class ScriptBook(Generic[Answer]):
    """Scripted answers, tried in the order they were added; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[_Entry[Answer]] = []

    def add(
        self, matcher: Matcher, answer: Answer | Fault, *, times: int | None, delay: float
    ) -> None:
        if times is not None and times < 1:
            raise ValueError("times must be at least 1 (or None for no limit)")
        if delay < 0:
            raise ValueError("delay must not be negative")
        with self._lock:
            self._entries.append(_Entry(matcher, answer, times, delay))

    def take(self, request: StandInRequest) -> Scripted[Answer] | None:
        """The first live entry matching the request, using up one of its turns."""
        with self._lock:
            entries = [e for e in self._entries if e.remaining is None or e.remaining > 0]
        for entry in entries:
            # Matchers run outside the lock: they are the test's code and may be slow.
            if not entry.matcher(request):
                continue
            with self._lock:
                if entry.remaining is not None:
                    if entry.remaining == 0:
                        continue  # another request used the last turn meanwhile
                    entry.remaining -= 1
            return Scripted(entry.answer, entry.delay)
        return None

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class RequestLog:
    """Every authenticated request, in arrival order; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: list[StandInRequest] = []
        self._changed = threading.Condition(self._lock)

    def append(self, request: StandInRequest) -> None:
        with self._changed:
            self._requests.append(request)
            self._changed.notify_all()

    def snapshot(self, path: str | None = None) -> list[StandInRequest]:
        with self._lock:
            return [r for r in self._requests if path is None or r.path == path]

    def wait_for(self, count: int, path: str | None, timeout: float) -> list[StandInRequest]:
        """Block until at least `count` requests (to `path`, if given) arrived."""

        def enough() -> bool:
            return sum(path is None or r.path == path for r in self._requests) >= count

        with self._changed:
            if not self._changed.wait_for(enough, timeout):
                raise TimeoutError(f"fewer than {count} requests after {timeout} s")
            return [r for r in self._requests if path is None or r.path == path]

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()

"""Plain records of an organization's world. No I/O; the database maps rows onto these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Role = Literal["admin", "staff"]
Delivery = Literal["text", "voice"]
TaskStatus = Literal["open", "done", "cancelled"]


@dataclass(frozen=True)
class Organization:
    id: int
    name: str
    timezone: str
    language: str
    plan: str
    status: str
    city: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class Member:
    id: int
    org_id: int
    name: str
    phone: str
    role: Role
    language: str
    delivery: Delivery
    opted_out: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class Task:
    org_id: int
    number: int
    title: str
    assignee_id: int | None
    created_by: int | None
    due_at: datetime | None
    status: TaskStatus = "open"
    completed_by: int | None = None
    completed_at: datetime | None = None


@dataclass(frozen=True)
class OutboundMessage:
    """A WhatsApp text to one person; `key` makes it idempotent across retries of its cause."""

    key: str
    to: str
    body: str

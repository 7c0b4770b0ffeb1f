"""Billing Meters for the Stripe stand-in: meters, meter events and event summaries.

Stripe's rules, as billing code meets them: an `identifier` is unique for (at least) 24 hours
and a repeat under a new request is refused with "An event already exists with identifier …"
(a retry under the *same* Idempotency-Key is replayed by the idempotency layer instead, before
it gets here); a timestamp must lie within the past 35 days and at most 5 minutes ahead; the
value is a whole number. Summaries may lag behind accepted events (`hold_aggregation`), since
Stripe aggregates asynchronously.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from minkops.sandbox.stripe_wire import (
    JSON,
    Params,
    StripeError,
    missing,
    new_id,
    no_such,
)

IDENTIFIER_WINDOW = timedelta(hours=24)
PAST_WINDOW = timedelta(days=35)
FUTURE_WINDOW = timedelta(minutes=5)
FORMULAS = ("sum", "count", "last")
_WINDOW_SECONDS = {"hour": 3600, "day": 86400}


@dataclass(frozen=True)
class MeterEventRecord:
    """One accepted meter event, as tests and reconcilers inspect it."""

    identifier: str
    event_name: str
    meter: str
    customer: str
    value: int
    timestamp: int
    created: int
    payload: Mapping[str, str]
    idempotency_key: str | None = None


@dataclass(frozen=True)
class DuplicateMeterEvent:
    """A meter event refused because its identifier was already used within 24 hours."""

    identifier: str
    event_name: str
    customer: str | None
    value: str | None
    received_at: int
    original: MeterEventRecord


@dataclass
class _Accepted:
    record: MeterEventRecord
    aggregated: bool
    rejected: bool = False
    """Accepted (201), then refused while Stripe processed it: never in a summary."""


@dataclass
class MeterBook:
    """Meters and their events. Not thread-safe: the stand-in holds its lock around every call."""

    now: Callable[[], int]
    customer_exists: Callable[[str], bool]
    meters: dict[str, JSON] = field(default_factory=dict)
    accepted: list[_Accepted] = field(default_factory=list)
    duplicates: list[DuplicateMeterEvent] = field(default_factory=list)
    holding: bool = False
    _by_identifier: dict[str, _Accepted] = field(default_factory=dict)

    # ----- meters -----

    def add_meter(
        self,
        event_name: str,
        display_name: str,
        formula: str = "sum",
        *,
        meter_id: str | None = None,
        customer_key: str = "stripe_customer_id",
        value_key: str = "value",
    ) -> JSON:
        if formula not in FORMULAS:
            raise StripeError(
                400,
                f"Invalid default_aggregation[formula]: must be one of {', '.join(FORMULAS)}",
                param="default_aggregation[formula]",
            )
        if self.active_meter(event_name) is not None:
            raise StripeError(
                400,
                f"An active meter with event_name '{event_name}' already exists.",
                param="event_name",
            )
        now = self.now()
        meter: JSON = {
            "id": meter_id or new_id("mtr_test_"),
            "object": "billing.meter",
            "created": now,
            "customer_mapping": {"event_payload_key": customer_key, "type": "by_id"},
            "default_aggregation": {"formula": formula},
            "display_name": display_name,
            "event_name": event_name,
            "event_time_window": None,
            "livemode": False,
            "status": "active",
            "status_transitions": {"deactivated_at": None},
            "updated": now,
            "value_settings": {"event_payload_key": value_key},
        }
        self.meters[meter["id"]] = meter
        return meter

    def create_meter(self, params: Params) -> JSON:
        params.only(
            (
                "display_name",
                "event_name",
                "default_aggregation",
                "customer_mapping",
                "value_settings",
                "event_time_window",
            )
        )
        display_name = params.required_string("display_name", max_chars=250)
        event_name = params.required_string("event_name", max_chars=100)
        aggregation = params.hash("default_aggregation", required=True)
        assert aggregation is not None
        aggregation.only(("formula",))
        formula = aggregation.choice("formula", FORMULAS, required=True)
        assert formula is not None
        customer_key, value_key = "stripe_customer_id", "value"
        mapping = params.hash("customer_mapping")
        if mapping is not None:
            mapping.only(("event_payload_key", "type"))
            customer_key = mapping.required_string("event_payload_key", max_chars=100)
            mapping.choice("type", ("by_id",), required=True)
        settings = params.hash("value_settings")
        if settings is not None:
            settings.only(("event_payload_key",))
            value_key = settings.required_string("event_payload_key", max_chars=100)
        if params.choice("event_time_window", ("day", "hour")) is not None:
            raise StripeError(
                400,
                "The Stripe stand-in does not support pre-aggregated meters (event_time_window).",
                param="event_time_window",
            )
        return self.add_meter(
            event_name, display_name, formula, customer_key=customer_key, value_key=value_key
        )

    def meter(self, meter_id: str) -> JSON:
        meter = self.meters.get(meter_id)
        if meter is None:
            raise no_such("billing.meter", meter_id)
        return meter

    def active_meter(self, event_name: str) -> JSON | None:
        return next(
            (
                m
                for m in self.meters.values()
                if m["event_name"] == event_name and m["status"] == "active"
            ),
            None,
        )

    def list_meters(self, params: Params) -> list[JSON]:
        params.only(("status", "limit", "starting_after", "ending_before"))
        status = params.choice("status", ("active", "inactive"))
        return [
            m for m in reversed(self.meters.values()) if status is None or m["status"] == status
        ]

    def update_meter(self, meter_id: str, params: Params) -> JSON:
        params.only(("display_name",))
        meter = self.meter(meter_id)
        display_name = params.string("display_name", max_chars=250)
        if display_name is not None:
            meter["display_name"] = display_name
            meter["updated"] = self.now()
        return meter

    def set_meter_status(self, meter_id: str, active: bool) -> JSON:
        meter = self.meter(meter_id)
        wanted = "active" if active else "inactive"
        if meter["status"] == wanted:
            raise StripeError(400, f"This meter is already {wanted}.")
        if active and self.active_meter(meter["event_name"]) is not None:
            raise StripeError(
                400, f"An active meter with event_name '{meter['event_name']}' already exists."
            )
        now = self.now()
        meter["status"] = wanted
        meter["updated"] = now
        meter["status_transitions"] = {"deactivated_at": None if active else now}
        return meter

    # ----- meter events -----

    def create_event(self, params: Params, idempotency_key: str | None) -> JSON:
        params.only(("event_name", "identifier", "payload", "timestamp"))
        event_name = params.required_string("event_name", max_chars=100)
        payload_params = params.hash("payload", required=True)
        assert payload_params is not None
        payload: dict[str, str] = {}
        for key, value in payload_params.data.items():
            if not isinstance(value, str):
                raise StripeError(400, f"Invalid string: {value!r}", param=payload_params.name(key))
            payload[key] = value
        identifier = params.string("identifier", max_chars=100) or str(uuid.uuid4())
        now = self.now()
        timestamp = params.integer("timestamp")
        if timestamp is None:
            timestamp = now
        meter = self.active_meter(event_name)
        if meter is None:
            raise StripeError(
                400,
                f"No active meter found for event_name '{event_name}'.",
                param="event_name",
            )
        customer_key = meter["customer_mapping"]["event_payload_key"]
        value_key = meter["value_settings"]["event_payload_key"]
        customer = payload.get(customer_key)
        if not customer:
            raise missing(f"payload[{customer_key}]")
        raw_value = payload.get(value_key)
        formula = meter["default_aggregation"]["formula"]
        if raw_value is None and formula == "count":
            raw_value = "1"
        if raw_value is None:
            raise missing(f"payload[{value_key}]")
        value = _whole_number(raw_value, f"payload[{value_key}]")
        _check_timestamp(timestamp, now)
        if not self.customer_exists(customer):
            raise StripeError(
                400,
                f"No such customer: '{customer}'",
                code="resource_missing",
                param=f"payload[{customer_key}]",
            )
        earlier = self._by_identifier.get(identifier)
        if earlier is not None and now - earlier.record.created < IDENTIFIER_WINDOW.total_seconds():
            self.duplicates.append(
                DuplicateMeterEvent(
                    identifier, event_name, customer, raw_value, now, earlier.record
                )
            )
            raise StripeError(
                400,
                f"An event already exists with identifier {identifier}.",
                should_retry=False,
            )
        record = MeterEventRecord(
            identifier=identifier,
            event_name=event_name,
            meter=meter["id"],
            customer=customer,
            value=value,
            timestamp=timestamp,
            created=now,
            payload=dict(payload),
            idempotency_key=idempotency_key,
        )
        accepted = _Accepted(record, aggregated=not self.holding)
        self.accepted.append(accepted)
        self._by_identifier[identifier] = accepted
        return {
            "object": "billing.meter_event",
            "created": now,
            "event_name": event_name,
            "identifier": identifier,
            "livemode": False,
            "payload": payload,
            "timestamp": timestamp,
        }

    def release_aggregation(self) -> None:
        self.holding = False
        for accepted in self.accepted:
            accepted.aggregated = True

    def reject(self, identifier: str) -> None:
        """Stripe validates events asynchronously: one it accepted may still be refused
        (reported by `v1.billing.meter.error_report_triggered`) and never billed."""
        accepted = self._by_identifier.get(identifier)
        if accepted is None:
            raise KeyError(f"no meter event with identifier {identifier!r}")
        accepted.rejected = True

    def records(self) -> list[MeterEventRecord]:
        return [accepted.record for accepted in self.accepted]

    # ----- aggregation -----

    def usage(self, meter_id: str, customer: str, start: int, end: int) -> float:
        """The meter's aggregate for one customer over [start, end), as Stripe would bill it."""
        meter = self.meter(meter_id)
        events = [
            a.record
            for a in self.accepted
            if a.aggregated
            and not a.rejected
            and a.record.meter == meter_id
            and a.record.customer == customer
            and start <= a.record.timestamp < end
        ]
        formula = meter["default_aggregation"]["formula"]
        if formula == "count":
            return float(len(events))
        if formula == "last":
            latest = max(events, key=lambda r: (r.timestamp, r.created), default=None)
            return float(latest.value) if latest else 0.0
        return float(sum(r.value for r in events))

    def summaries(self, meter_id: str, params: Params) -> list[JSON]:
        """The event summaries of one customer, newest window first."""
        params.only(
            (
                "customer",
                "start_time",
                "end_time",
                "value_grouping_window",
                "limit",
                "starting_after",
                "ending_before",
            )
        )
        self.meter(meter_id)
        customer = params.required_string("customer")
        start = params.integer("start_time", required=True)
        end = params.integer("end_time", required=True)
        assert start is not None and end is not None
        window = params.choice("value_grouping_window", tuple(_WINDOW_SECONDS))
        for name, moment in (("start_time", start), ("end_time", end)):
            if moment % 60:
                raise StripeError(
                    400, f"{name} must be aligned with minute boundaries.", param=name
                )
        if end <= start:
            raise StripeError(400, "end_time must be after start_time.", param="end_time")
        step = end - start
        if window is not None:
            step = _WINDOW_SECONDS[window]
            for name, moment in (("start_time", start), ("end_time", end)):
                if moment % step:
                    raise StripeError(
                        400, f"{name} must be aligned with {window} boundaries.", param=name
                    )
        windows = [(s, min(s + step, end)) for s in range(start, end, step)]
        return [self._summary(meter_id, customer, s, e) for s, e in reversed(windows)]

    def _summary(self, meter_id: str, customer: str, start: int, end: int) -> JSON:
        digest = hashlib.sha256(f"{meter_id}:{customer}:{start}:{end}".encode()).hexdigest()
        return {
            "id": f"mtrusg_test_{digest[:24]}",
            "object": "billing.meter_event_summary",
            "aggregated_value": self.usage(meter_id, customer, start, end),
            "end_time": end,
            "livemode": False,
            "meter": meter_id,
            "start_time": start,
        }


def _whole_number(raw: str, param: str) -> int:
    text = raw.strip()
    if not text or not (text.isdigit() or (text[0] == "-" and text[1:].isdigit())):
        raise StripeError(
            400,
            f"Invalid value for {param}: '{raw}'. The value must be a whole number.",
            param=param,
        )
    return int(text)


def _check_timestamp(timestamp: int, now: int) -> None:
    earliest = now - int(PAST_WINDOW.total_seconds())
    latest = now + int(FUTURE_WINDOW.total_seconds())
    if timestamp < earliest:
        raise StripeError(
            400,
            "The event timestamp cannot be more than 35 days in past. Expected a timestamp "
            f"greater than or equal to {earliest}.",
            param="timestamp",
        )
    if timestamp > latest:
        raise StripeError(
            400,
            "The event timestamp cannot be more than 5 minutes in the future. Expected a "
            f"timestamp less than or equal to {latest}.",
            param="timestamp",
        )


def describe(record: MeterEventRecord) -> dict[str, Any]:
    """A meter event as plain JSON, for the sandbox route other processes read."""
    return {
        "identifier": record.identifier,
        "event_name": record.event_name,
        "meter": record.meter,
        "customer": record.customer,
        "value": record.value,
        "timestamp": record.timestamp,
        "created": record.created,
        "idempotency_key": record.idempotency_key,
    }

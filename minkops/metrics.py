"""Prometheus metrics, on a registry of the service's own (tests build as many as they like)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.inbound = Counter(
            "minkops_inbound_total",
            "Inbound webhook requests by result",
            ["result"],
            registry=self.registry,
        )
        self.handled = Counter(
            "minkops_messages_handled_total",
            "Inbound messages acted on, by intent kind",
            ["kind"],
            registry=self.registry,
        )
        self.outbound = Counter(
            "minkops_outbound_total",
            "Outbound send attempts by result",
            ["result"],
            registry=self.registry,
        )
        self.live_orgs = Gauge(
            "minkops_org_actors_live", "Organization actors running", registry=self.registry
        )
        self.usage = Counter(
            "minkops_usage_total",
            "Usage by kind (messages, tasks, voice notes, transcription seconds, OpenAI tokens)",
            ["what"],
            registry=self.registry,
        )
        self.org_restarts = Counter(
            "minkops_org_actor_restarts_total",
            "Organization actors that died (or failed to start) and were started again",
            registry=self.registry,
        )
        self.org_activation_seconds = Histogram(
            "minkops_org_activation_seconds",
            "Time to start an org actor and load its state from PostgreSQL",
            registry=self.registry,
        )
        self.handling_seconds = Histogram(
            "minkops_handling_seconds",
            "Time from an org actor taking a message to its outcome being committed",
            registry=self.registry,
        )
        # --- faults: nothing acknowledged is lost, no input stalls the service
        self.inbox_redelivered = Counter(
            "minkops_inbox_redelivered_total",
            "Inbox rows handed to their org actor again (a retried MessageSid, or the sweeper)",
            ["why"],
            registry=self.registry,
        )
        self.inbox_quarantined = Counter(
            "minkops_inbox_quarantined_total",
            "Inbox rows given up on after every attempt failed (the person got an apology)",
            registry=self.registry,
        )
        self.loop_busy_ratio = Gauge(
            "minkops_event_loop_busy_ratio",
            "CPU time of the event loop thread over wall time, last second (1 = a full core)",
            registry=self.registry,
        )
        self.loop_lag_seconds = Gauge(
            "minkops_event_loop_lag_seconds",
            "How late the loop ran a scheduled wake-up, last second",
            registry=self.registry,
        )
        self.inbox_waiting = Gauge(
            "minkops_inbox_waiting",
            "Inbox rows accepted and not yet processed",
            registry=self.registry,
        )
        self.inbox_oldest_seconds = Gauge(
            "minkops_inbox_oldest_seconds",
            "Age of the oldest unprocessed inbox row",
            registry=self.registry,
        )
        self.spool_depth = Gauge(
            "minkops_spool_depth",
            "Webhooks in the local spool waiting for PostgreSQL",
            registry=self.registry,
        )
        self.spool_oldest_seconds = Gauge(
            "minkops_spool_oldest_seconds",
            "Age of the oldest spooled webhook",
            registry=self.registry,
        )
        self.listen_reconnects = Counter(
            "minkops_listen_reconnects_total",
            "Times the LISTEN connection for org changes was re-established",
            registry=self.registry,
        )
        self.throttled = Counter(
            "minkops_sender_throttled_total",
            "Messages from a sender over the per-sender rate (kept, worked through later)",
            registry=self.registry,
        )

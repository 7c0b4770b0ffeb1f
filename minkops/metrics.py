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
            "Metered usage by kind (messages, tasks, voice notes)",
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

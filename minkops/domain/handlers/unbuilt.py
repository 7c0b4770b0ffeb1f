"""Kinds MinkOps understands but does not act on yet: each leaves this list with its feature."""

from __future__ import annotations

from minkops.domain.handlers.registry import unbuilt

unbuilt()  # every kind is built

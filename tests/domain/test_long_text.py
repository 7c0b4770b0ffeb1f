"""Replies over Twilio's 1,600 characters become numbered parts, in order, cut at lines."""

from __future__ import annotations

import re

import pytest

from minkops.domain.long_text import TWILIO_MAX_BODY, split_long_text


def test_a_text_that_fits_is_left_alone() -> None:
    assert split_long_text("x" * TWILIO_MAX_BODY) == ["x" * TWILIO_MAX_BODY]


def test_a_long_list_is_cut_at_lines_into_numbered_parts_in_order() -> None:
    lines = [f"#{n} Clean the walk-in fridge and check the dates {n}" for n in range(1, 120)]
    parts = split_long_text("\n".join(lines))
    assert len(parts) > 1
    assert all(len(part) <= TWILIO_MAX_BODY for part in parts)
    numbers = [re.match(r"\((\d+)/(\d+)\) ", part) for part in parts]
    assert [(int(m[1]), int(m[2])) for m in numbers if m] == [
        (i, len(parts)) for i in range(1, len(parts) + 1)
    ]
    # Nothing lost, nothing reordered, no line cut in two.
    rejoined = "\n".join(re.sub(r"^\(\d+/\d+\) ", "", part) for part in parts)
    assert rejoined.split("\n") == lines


@pytest.mark.parametrize("text", ["word " * 1000, "x" * 5000, ("é" * 1700 + "\n") * 3])
def test_lines_longer_than_the_limit_are_cut_too(text: str) -> None:
    parts = split_long_text(text)
    assert all(len(part) <= TWILIO_MAX_BODY for part in parts)
    body = "".join(re.sub(r"^\(\d+/\d+\) ", "", part) for part in parts)
    assert body.replace(" ", "").replace("\n", "") == text.replace(" ", "").replace("\n", "")


def test_a_hundred_parts_still_fit_with_their_longer_numbers() -> None:
    parts = split_long_text("x" * 160_000, limit=1600)
    assert len(parts) >= 100
    assert all(len(part) <= 1600 for part in parts)
    assert parts[-1].startswith(f"({len(parts)}/{len(parts)}) ")

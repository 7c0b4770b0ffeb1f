"""Recorded traffic, synthetic traffic, and what a replay counts as lost or doubled."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from minkops.i18n import translate
from minkops.replay.generate import SHIFT_CHANGES, generate
from minkops.replay.report import Outbound, percentile, summarize
from minkops.replay.send import Sent
from minkops.replay.traffic import (
    Media,
    Record,
    TrafficError,
    parse_record,
    read_records,
    read_roster,
    write_records,
    write_roster,
)


def test_a_recording_round_trips_and_is_read_in_time_order(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    records = [
        Record(2.0, "+34600000001", "tareas"),
        Record(0.5, "+447700900001", "", (Media("https://x/y", "audio/ogg"),)),
        Record(0.5, "+34600000002", "help", sid="SM" + "a" * 32),
    ]
    write_records(path, records)
    assert [r.offset for r in read_records(path)] == [0.5, 0.5, 2.0]
    assert read_records(path)[0].media[0].content_type == "audio/ogg"
    assert read_records(path)[1].sid == "SM" + "a" * 32


@pytest.mark.parametrize(
    ("line", "complaint"),
    [
        ("not json", "not JSON"),
        ("[1]", "JSON object"),
        ('{"From": "+34600000001", "Body": "x"}', "offset"),
        ('{"offset": -1, "From": "+34600000001", "Body": "x"}', "offset"),
        ('{"offset": 1, "From": "Juan", "Body": "x"}', "phone number"),
        ('{"offset": 1, "From": "+34600000001"}', "Body"),
        ('{"offset": 1, "From": "+34600000001", "Body": 3}', "Body"),
    ],
)
def test_a_bad_line_says_where_and_why(line: str, complaint: str) -> None:
    with pytest.raises(TrafficError, match=complaint) as raised:
        parse_record(line, "t.jsonl:7")
    assert "t.jsonl:7" in str(raised.value)


def test_whatsapp_prefixed_and_spaced_numbers_are_read_as_e164() -> None:
    record = parse_record('{"offset": 0, "From": "whatsapp:+34 600 00 00 01", "Body": "x"}', "x")
    assert record.sender == "+34600000001"


def test_generated_traffic_is_a_day_with_shift_change_bursts(tmp_path: Path) -> None:
    roster, records = generate(5, 2000, members_per_org=8, duration=1000, seed=3)
    assert len(records) == 2000 and len(roster) == 5
    assert [r.offset for r in records] == sorted(r.offset for r in records)
    near_shift = sum(
        1 for r in records if any(abs(r.offset / 1000 - c) < 0.05 for c in SHIFT_CHANGES)
    )
    assert near_shift > 0.5 * len(records)  # 30% of the day holds most of the traffic
    spanish = {m.phone for o in roster for m in o.members if m.language == "es"}
    bodies = {r.body for r in records}
    assert any(r.sender in spanish for r in records) and any(
        r.sender not in spanish for r in records
    )
    assert {"tareas", "tasks"} & bodies and any(b.startswith(("hecho", "done")) for b in bodies)
    # Same seed, same traffic: a recording can be regenerated instead of stored.
    assert generate(5, 2000, members_per_org=8, duration=1000, seed=3)[1] == records
    write_roster(tmp_path / "r.json", roster)
    assert read_roster(tmp_path / "r.json") == roster


def test_no_one_who_writes_is_given_tasks() -> None:
    """Every message to a sender is then a reply, so lost and doubled are exact."""
    roster, records = generate(3, 3000, members_per_org=6, seed=5)
    senders = {r.sender for r in records}
    for org in roster:
        phones = {m.phone for m in org.members}
        bodies = [r.body for r in records if r.sender in phones]
        writers = [m for m in org.members if m.phone in senders]
        quiet = [m for m in org.members if m.phone not in senders]
        assert quiet, "someone must be there to be given the tasks"
        for member in writers:
            first = member.name.split()[0]
            given = [
                b for b in bodies if b.startswith((f"task for {first}", f"tarea para {first}"))
            ]
            given += [b for b in bodies if b.startswith((f"{first} needs", f"{first} tiene"))]
            assert given == [], (member.name, given[:3])
        assert any(q.name.split()[0] in b for q in quiet for b in bodies)


def _sent(index: int, sender: str, at: float, status: int | None = 200) -> Sent:
    return Sent(index, sender, f"SM{index:032d}", at, at + 0.004 if status else None, status, 1)


def test_replies_are_paired_in_order_and_lost_and_doubled_counted_per_sender() -> None:
    ana, luis, eva = "+34600000001", "+34600000002", "+34600000009"
    sents = [
        _sent(0, ana, 100.0),
        _sent(1, ana, 100.5),
        _sent(2, luis, 100.2),
        _sent(3, luis, 100.3, status=503),  # refused: nothing is owed for it
        _sent(4, ana, 101.0),
    ]
    outbound = [
        Outbound(ana, 100.02),
        Outbound(luis, 100.25),
        Outbound(ana, 100.6),
        Outbound(luis, 100.9),  # a second reply to Luis's one acknowledged message
        Outbound(eva, 100.3),  # a task notice to someone who never wrote
    ]
    summary = summarize(sents, outbound)
    assert (summary.acknowledged, summary.refused, summary.lost, summary.doubled) == (
        4,
        {503: 1},
        1,
        1,
    )
    assert summary.notices == 1
    assert sorted(round(x, 3) for x in summary.reply_latencies) == [0.02, 0.05, 0.1]


def test_a_slow_down_notice_is_neither_a_reply_nor_a_double() -> None:
    ana = "+34600000001"
    sents = [_sent(0, ana, 100.0), _sent(1, ana, 100.1)]
    slow_down = Outbound(ana, 100.05, translate("es", "sender_slow_down"))
    outbound = [slow_down, Outbound(ana, 100.5, "✅ Tarea #1"), Outbound(ana, 100.9, "👍")]
    summary = summarize(sents, outbound)
    assert (summary.lost, summary.doubled, summary.slow_downs) == (0, 0, 1)
    assert sorted(round(x, 3) for x in summary.reply_latencies) == [0.5, 0.8]
    # Without its notice the same sender is short of nothing; with two, still no double.
    assert summarize(sents, [*outbound, slow_down]).doubled == 0


def test_percentiles_are_nearest_rank() -> None:
    samples = [float(n) for n in range(1, 101)]
    assert (percentile(samples, 50), percentile(samples, 99), percentile(samples, 100)) == (
        50.0,
        99.0,
        100.0,
    )
    assert json.dumps(percentile([], 50)) == "NaN"

"""The process-wide send pace: the bucket on an injected clock, then a burst through the
outbound pool against the Twilio stand-in, timed by when the stand-in accepted each create."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pykka
import pytest

from minkops.actors.backoff import Backoff, RestartPolicy
from minkops.actors.messages import SendOutbox
from minkops.actors.outbound import OutboundMember, outbound_pool, tell_outbound
from minkops.actors.send_rate import RATE_LIMITED_PAUSE_SECONDS, SendRate, TokenBucket
from minkops.actors.supervisor import ChildStarted, Registry, Runtime, start_tree
from minkops.domain import effects as fx
from minkops.store import outbox
from minkops.voice import MediaStore
from minkops.voice.speaker import Speaker
from tests.actors import WAIT, Recorder
from tests.actors import test_outbound as base
from tests.actors.test_outbound import ANA, JUAN, Rig, _Synth

# The outbound tests' fixtures (a database, the stand-in on a hand-moved clock, the rig).
clock, database, twilio, rig, stop_actors = (
    base.clock,
    base.database,
    base.twilio,
    base.rig,
    base.stop_actors,
)


class MonotonicClock:
    """time.monotonic and time.sleep, by hand: sleeping moves the clock."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


# --- the bucket -------------------------------------------------------------------------------


def test_a_quiet_sender_goes_at_once_then_sends_are_one_over_rate_apart() -> None:
    bucket = TokenBucket(rate=10.0)
    assert [bucket.reserve(0.0) for _ in range(4)] == pytest.approx([0.0, 0.1, 0.2, 0.3])
    # Long quiet: the balance refills only up to the capacity, never a backlog of tokens.
    assert bucket.reserve(60.0) == 0.0
    assert bucket.reserve(60.0) == pytest.approx(0.1)


def test_callers_that_wait_their_turn_never_exceed_the_rate_in_any_second() -> None:
    clock_ = MonotonicClock()
    rate = SendRate(10.0, 1.5, clock=clock_, sleep=clock_.sleep)
    sent = []
    for _ in range(95):
        rate.wait(media=False)
        sent.append(clock_.now)
    gaps = {round(b - a, 9) for a, b in itertools.pairwise(sent)}
    assert gaps == {0.1}
    assert max(sum(1 for t in sent if start <= t < start + 1.0) for start in sent) == 10


def test_media_has_its_own_slower_pace_and_does_not_hold_up_text() -> None:
    clock_ = MonotonicClock()
    rate = SendRate(10.0, 1.5, clock=clock_, sleep=clock_.sleep)
    assert rate.wait(media=True) == 0.0
    assert rate.wait(media=False) == 0.0  # text is not behind the media slot
    assert rate.wait(media=True) == pytest.approx(1 / 1.5)
    assert rate.wait(media=False) == 0.0  # the clock moved 0.67 s meanwhile


def test_a_429_holds_every_sender_off_for_a_moment() -> None:
    clock_ = MonotonicClock()
    rate = SendRate(10.0, 1.5, clock=clock_, sleep=clock_.sleep)
    rate.wait(media=False)
    rate.rate_limited()  # the next text would have waited 0.1 s: now a second more
    assert rate.wait(media=False) == pytest.approx(RATE_LIMITED_PAUSE_SECONDS + 0.1)
    assert rate.wait(media=True) == pytest.approx(0.0)  # its pause passed while text slept


# --- through the outbound pool, against the stand-in -------------------------------------------

TEXT_RATE = 10.0  # Twilio's default
MEDIA_RATE = 4.0


def most_in_any_second(times: list[float]) -> int:
    ordered = sorted(times)
    return max((sum(1 for t in ordered if s <= t < s + 1.0) for s in ordered), default=0)


def test_a_burst_through_the_pool_keeps_the_pace_and_each_recipients_order(
    rig: Rig, tmp_path: Path
) -> None:
    speaker = Speaker(
        _Synth(),  # type: ignore[arg-type]
        MediaStore(tmp_path),
        "https://minkops.example",
        "opus",
        timedelta(hours=1),
        60,
    )
    rate = SendRate(TEXT_RATE, MEDIA_RATE)
    rig.deps = replace(rig.deps, speaker=speaker, send_rate=rate)
    policy = RestartPolicy(max_restarts=10, period=60.0, backoff=Backoff(base=0.0))
    pool = outbound_pool(rig.deps, 4, policy=policy)
    registry, recorder = Registry(), Recorder()
    start_tree([pool.spec()], runtime=Runtime(registry=registry, listener=recorder), policy=policy)
    for name in pool.member_names():
        recorder.wait_for(ChildStarted, child=name)
    handle = pool.handle(registry)

    # The SDK's first request in a process is slow (it imports its REST modules lazily):
    # send one before the burst, so that the burst's timing is the limiter's, not that.
    [warm] = rig.queue((ANA, "warm-up"))
    tell_outbound(handle, rig.org_id, [warm])
    rig.twilio.wait_for_messages(count=1, timeout=WAIT)

    # Eight people, five messages each; four of them first get a voice note (one message:
    # the note with its text line as caption), all written in one transaction.
    people = [f"+346100000{n:02d}" for n in range(8)]
    burst: list[fx.Send] = []
    for index, phone in enumerate(people):
        if index < 4:
            burst.append(fx.Send(f"v{index}", phone, f"🔊 {phone} 0", None, "notice", speak=True))
        burst += [fx.Send(f"t{index}.{n}", phone, f"{phone} {n}", None, "reply") for n in range(5)]
    queued = rig.db(lambda c: outbox.insert_outbox(c, rig.org_id, burst))
    tell_outbound(handle, rig.org_id, queued)

    rig.twilio.wait_for_messages(count=len(burst) + 1, timeout=30)
    for member in pykka.ActorRegistry.get_by_class(OutboundMember):
        member.ask(SendOutbox(rig.org_id, ()), timeout=WAIT)

    messages = [m for m in rig.twilio.messages() if m.body != "warm-up"]
    accepted = rig.twilio.accepted_at()
    assert len(messages) == len(burst) == rig.twilio.create_attempts() - 1  # no 429, no resend
    text = [accepted[m.sid] for m in messages if not m.media_urls]
    media = [accepted[m.sid] for m in messages if m.media_urls]
    assert (len(text), len(media)) == (40, 4)
    # The limiter schedules creates exactly 1/rate apart (the tests above); sleeps wake a
    # little late and requests take varying time, so allow one message of slack per second.
    assert most_in_any_second(text) <= TEXT_RATE + 1
    assert most_in_any_second(media) <= MEDIA_RATE + 1
    assert max(text) - min(text) >= (len(text) - 1) / TEXT_RATE - 0.2  # paced, not bunched

    by_person: dict[str, list[str]] = defaultdict(list)
    for message in sorted(messages, key=lambda m: accepted[m.sid]):
        by_person[message.to.removeprefix("whatsapp:")].append(message.body)
    for index, phone in enumerate(people):
        spoken = [f"🔊 {phone} 0"] if index < 4 else []
        assert by_person[phone] == spoken + [f"{phone} {n}" for n in range(5)]


def test_after_a_429_the_send_is_retried_in_order_and_everyone_pauses(rig: Rig) -> None:
    clock_ = MonotonicClock()
    rig.deps = replace(
        rig.deps, send_rate=SendRate(1000.0, 1000.0, clock=clock_, sleep=clock_.sleep)
    )
    uno, dos = rig.queue((ANA, "uno"), (ANA, "dos"))
    rig.twilio.fail_next(429, 20429, "Too Many Requests")
    rig.send(uno, dos)

    assert (rig.row(uno).status, rig.row(uno).error_code) == ("pending", 20429)
    assert rig.row(dos).status == "pending" and rig.at_twilio(ANA) == []  # "dos" waits its turn
    [juan] = rig.queue((JUAN, "hola Juan"))
    rig.send(juan)  # another recipient, after the 429: held off by the shared pause
    assert clock_.slept == [pytest.approx(RATE_LIMITED_PAUSE_SECONDS + 1 / 1000)]

    rig.fire(rig.scheduler.next())
    assert [m.body for m in rig.at_twilio(ANA)] == ["uno", "dos"]
    assert {rig.row(q).status for q in (uno, dos, juan)} == {"sent"}

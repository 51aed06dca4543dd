"""Backoff, jitter and Retry-After parsing; a 429's Retry-After pauses every request."""

from __future__ import annotations

from datetime import UTC, datetime

from core.retry_after import parse_retry_after
from importer.pacing import Pacer
from importer.retry import RetryPolicy
from tests.importer.fake_api import FakeTime

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_backoff_doubles_and_is_capped():
    policy = RetryPolicy(random=lambda: 0.0, max_delay=10)
    assert [policy.backoff(n) for n in range(1, 6)] == [1.0, 2.0, 4.0, 8.0, 10.0]


def test_jitter_adds_up_to_a_quarter():
    assert RetryPolicy(random=lambda: 1.0).backoff(2) == 2.5
    assert RetryPolicy(random=lambda: 0.5).backoff(1) == 1.125


def test_retry_after_seconds_and_dates():
    assert parse_retry_after("120", NOW) == 120.0
    assert parse_retry_after("Thu, 01 Jan 2026 00:01:00 GMT", NOW) == 60.0
    assert parse_retry_after("Wed, 31 Dec 2025 23:00:00 GMT", NOW) == 0.0  # already past
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after(None, NOW) is None


def test_the_server_is_believed_over_backoff_within_reason():
    policy = RetryPolicy(random=lambda: 0.0, max_retry_after=300)
    assert policy.delay(1, "42", NOW) == 42.0
    assert policy.delay(3, None, NOW) == 4.0
    assert policy.delay(1, "86400", NOW) == 300.0


async def test_hold_pauses_the_next_request(fake_time: FakeTime):
    pacer = Pacer(None, clock=fake_time.monotonic, sleep=fake_time.sleep)
    await pacer.wait()
    pacer.hold(5)
    await pacer.wait()
    await pacer.wait()
    assert fake_time.sleeps == [5.0]

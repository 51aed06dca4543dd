"""Replay from Redis returns every event after the one asked for (issue 15): with a small
EVENT_REPLAY_WINDOW the stream, trimmed approximately, kept more events than the window,
and a replay capped at the window named an older event as the latest."""

from __future__ import annotations

import asyncio
import os
import uuid
from typing import Any

import pytest
from redis.asyncio import Redis

from events import Event, ReplayGap
from events.redis import START, RedisBroker
from writes.changes import Action, ObjectRef

REDIS_URL = os.environ.get("REDIS_URL")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL (a Redis server)")


def _event(package: int) -> Event:
    return Event(ObjectRef("Package", package), Action.UPDATED, frozenset({"title"}))


async def _published(broker: RedisBroker, count: int) -> list[str]:
    redis = Redis.from_url(broker.url)
    try:
        for package in range(1, count + 1):
            await broker.publish([_event(package)])
        entries: Any = await redis.xrange(broker.stream)
    finally:
        await redis.aclose()
    return [entry_id.decode() for entry_id, _ in entries]


async def test_every_missed_event_is_replayed_whatever_the_window() -> None:
    assert REDIS_URL
    broker = RedisBroker(REDIS_URL, prefix=f"test-{uuid.uuid4().hex[:8]}", window=3)
    try:
        ids = await _published(broker, 6)
        assert len(ids) == 6  # approximate trimming kept more than the window
        replayed = await broker.replay(ids[0])
        assert [event.id for event in replayed] == ids[1:]
        assert [event.object.id for event in replayed] == [2, 3, 4, 5, 6]
    finally:
        await broker.close()


async def test_a_trimmed_event_is_a_gap_that_says_how_many_are_kept() -> None:
    assert REDIS_URL
    broker = RedisBroker(REDIS_URL, prefix=f"test-{uuid.uuid4().hex[:8]}", window=3)
    redis = Redis.from_url(REDIS_URL)
    try:
        ids = await _published(broker, 6)
        await redis.xtrim(broker.stream, maxlen=2, approximate=False)  # exact trimming
        with pytest.raises(ReplayGap, match="older than the 2 kept"):
            await broker.replay(ids[0])
        assert [event.id for event in await broker.replay(ids[4])] == ids[5:]  # kept: resumes
    finally:
        await broker.close()
        await redis.aclose()


async def test_replaying_from_an_empty_streams_start_while_events_arrive_is_no_gap() -> None:
    """A webhook created while the stream was empty replays from its start; an event
    added between reading the entries and counting those ever added was taken for one
    trimmed away (EVENTS_EXPIRED, and the webhook skipped what it should have sent)."""
    assert REDIS_URL
    broker = RedisBroker(REDIS_URL, prefix=f"test-{uuid.uuid4().hex[:8]}", window=1000)
    try:
        await broker.publish([_event(1)])
        for package in range(2, 60):
            replayed, _ = await asyncio.gather(
                broker.replay(START), broker.publish([_event(package)])
            )
            assert len(replayed) >= package - 1
    finally:
        await broker.close()

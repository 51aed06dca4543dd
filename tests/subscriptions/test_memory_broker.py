"""The embedded broker's ids name one event of one process, never another after a restart."""

from __future__ import annotations

import pytest

from events.broker import InvalidEventId, ReplayGap
from events.memory import MemoryBroker
from events.model import Event
from writes.changes import Action, ObjectRef


def _event() -> Event:
    return Event(object=ObjectRef("Package", 1), action=Action.UPDATED, fields=frozenset({"title"}))


async def test_an_id_from_before_a_restart_is_a_gap_not_another_event():
    before, after = MemoryBroker(), MemoryBroker()
    await before.publish([_event()])
    await after.publish([_event()])
    (seen,) = await before.replay(f"{before.run}-0")
    assert seen.id != (await after.replay(f"{after.run}-0"))[0].id
    with pytest.raises(ReplayGap, match="restarted"):
        await after.replay(seen.id)


async def test_replay_gives_what_came_after_and_refuses_what_is_not_an_id():
    broker = MemoryBroker(window=3)
    for _ in range(5):
        await broker.publish([_event()])
    ids = [event.id for event in await broker.replay(f"{broker.run}-2")]
    assert ids == [f"{broker.run}-{n}" for n in (3, 4, 5)]
    with pytest.raises(ReplayGap, match="older than the 3 kept"):
        await broker.replay(f"{broker.run}-1")
    with pytest.raises(InvalidEventId):
        await broker.replay("not-an-id")

"""What an event leaves behind once its results are delivered: nothing.

Each delivered result once kept its event alive (about 50 KB of loaders, rows and
collected fields per result, for as long as the subscription lived).
"""

from __future__ import annotations

import asyncio
import gc
from collections import Counter
from typing import Any

from events.hub import EventHub
from events.memory import MemoryBroker
from schema.context import Context
from tests.factories import package_record
from writes import IMPORTER, Change, open_unit, upsert_package

SELECTION = (
    "subscription { packageChanged(ids: [1]) { title repoWatchers category { title } "
    "participants(first: 2) { nodes { login } } } }"
)
WATCHED = ("Loaders", "CollectedFields", "FieldDetails", "SharedDataLoader")


def _alive() -> Counter[str]:
    gc.collect()
    return Counter(name for o in gc.get_objects() if (name := type(o).__name__) in WATCHED)


async def test_delivered_events_are_freed(
    catalogue: Any, graphql_schema: Any, settings: Any
) -> None:
    hub = EventHub(catalogue, MemoryBroker())
    await hub.start()
    received: asyncio.Queue[Any] = asyncio.Queue()

    async def subscriber() -> None:
        context = Context.create(db=catalogue, settings=settings, hub=hub)
        async for result in await graphql_schema.subscribe(SELECTION, context_value=context):
            await received.put(result)

    async def change(watchers: int) -> None:
        changes: list[Change] = []

        async def keep(batch: Any) -> None:
            changes.extend(batch)

        async with open_unit(catalogue, actor=IMPORTER, publish=keep) as unit:
            await upsert_package(unit, package_record(1, repo_watchers=watchers))
        await hub.publish(changes)
        result = await asyncio.wait_for(received.get(), 10)
        assert result.data["packageChanged"]["repoWatchers"] == watchers, result

    task = asyncio.create_task(subscriber())
    try:
        while not hub.subscriptions:
            await asyncio.sleep(0.01)
        for watchers in range(5):  # warm up
            await change(1000 + watchers)
        before = _alive()
        for watchers in range(30):
            await change(2000 + watchers)
        after = _alive()
        assert after == before, (before, after)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await hub.stop()

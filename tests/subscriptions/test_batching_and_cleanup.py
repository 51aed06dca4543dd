"""Many subscribers cost few statements per event; connections leave nothing behind."""

from __future__ import annotations

import asyncio
import gc
import tracemalloc
from typing import Any

import pytest

from events.hub import EventHub
from events.memory import MemoryBroker
from schema.context import Context
from tests.factories import package_record
from tests.subscriptions.wsclient import GraphQLSocket
from writes import IMPORTER, Change, open_unit, upsert_package

SELECTION = (
    "subscription { packageChanged(ids: [1]) { title repoWatchers category { title } "
    "grids { slug } participants(first: 2) { nodes { login } } } }"
)


async def _subscribers(graphql_schema: Any, db: Any, settings: Any, hub: EventHub, count: int):
    received: asyncio.Queue[Any] = asyncio.Queue()

    async def run() -> None:
        context = Context.create(db=db, settings=settings, hub=hub)
        results = await graphql_schema.subscribe(SELECTION, context_value=context)
        async for result in results:
            await received.put(result)

    tasks = [asyncio.create_task(run()) for _ in range(count)]
    # Every subscription registered, its baseline read, and waiting for a delivery.
    while hub.subscriptions < count or not all(inbox.waiting for inbox in hub.inboxes):
        await asyncio.sleep(0.01)
    return tasks, received


@pytest.mark.parametrize("count", [10, 1000])
async def test_statements_per_event_do_not_grow_with_subscribers(
    catalogue, graphql_schema, settings, count_statements, count
):
    hub = EventHub(catalogue, MemoryBroker())
    await hub.start()
    tasks, received = await _subscribers(graphql_schema, catalogue, settings, hub, count)
    changes: list[Change] = []

    async def keep(batch: Any) -> None:
        changes.extend(batch)

    async with open_unit(catalogue, actor=IMPORTER, publish=keep) as unit:
        await upsert_package(unit, package_record(1, repo_watchers=12345, grid_ids=(1, 2)))
    try:
        with count_statements() as log:
            await hub.publish(changes)
            results = [await asyncio.wait_for(received.get(), 30) for _ in range(count)]
        assert all(r.data["packageChanged"]["repoWatchers"] == 12345 for r in results)
        # package, category, grids, participants page: one statement each, shared by all.
        assert log.count <= 4, "\n\n".join(log.statements)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await hub.stop()


async def test_a_thousand_connections_leave_no_task_or_memory_behind(catalogue, live):
    hub = live.app.state.hub
    limiter = live.app.state.graphql.limiter

    async def cycle() -> None:
        async with await GraphQLSocket.open(live.ws_url) as ws:
            await ws.subscribe("subscription { packageChanged(ids: [1]) { title } }")
            while not hub.subscriptions:
                await asyncio.sleep(0.001)

    for _ in range(20):  # warm up caches, pools and lazy imports
        await cycle()
    await _settle(hub)
    gc.collect()
    tasks_before = len(asyncio.all_tasks())
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for _ in range(1000):
        await cycle()
    await _settle(hub)
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    growth = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    assert hub.subscriptions == 0
    assert len(asyncio.all_tasks()) <= tasks_before
    # A subscriber costs ~80 KiB while connected: a leak of even 5 KiB each would show.
    assert growth < 5_000_000, f"{growth} bytes kept after 1,000 connections"
    assert limiter.tickets == {}  # every connection gave its ticket back


async def _quiet(count_statements: Any) -> None:
    """Until the database has been idle for a moment: the subscriptions are all primed."""
    for _ in range(100):
        with count_statements() as log:
            await asyncio.sleep(0.3)
        if log.count == 0:
            return
    raise AssertionError("the subscriptions never settled")


async def _settle(hub: EventHub) -> None:
    for _ in range(200):
        if not hub.subscriptions:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.1)

"""A change wakes the subscriptions it may concern, not every subscription of the process:
an inbox that names the objects it follows skips batches about other objects of their
types (`events.hub`)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from events import Event
from events.hub import EventHub, Inbox
from events.memory import MemoryBroker
from schema.context import Context
from schema.subscriptions.packages import PackageTarget
from tests.subscriptions.test_cohort_results import WATCH, _stop, _subscribe, _write
from writes.changes import Action, ObjectRef


def _event(kind: str, number: int) -> Event:
    return Event(ObjectRef(kind, number), Action.UPDATED, frozenset({"title"}))


async def test_a_batch_reaches_the_followers_of_its_objects_and_every_wide_inbox(catalogue):
    hub = EventHub(catalogue, MemoryBroker())
    await hub.start()
    try:
        async with (
            hub.inbox(follows=frozenset({("Package", 1)})) as one,
            hub.inbox(follows=frozenset({("Package", 2), ("Package", 3)})) as two_three,
            hub.inbox() as wide,
        ):

            async def after(*events: Event) -> set[Inbox]:
                """The inboxes the batch reached (the wide one always is)."""
                await hub.broker.publish(list(events))
                await asyncio.wait_for(wide.next(), 5)
                reached = {wide}
                for inbox in (one, two_three):
                    if not inbox.queue.empty():
                        inbox.queue.get_nowait()
                        reached.add(inbox)
                return reached

            assert await after(_event("Package", 1)) == {one, wide}
            assert await after(_event("Package", 3), _event("Package", 4)) == {two_three, wide}
            assert await after(_event("Package", 4)) == {wide}
            # A grid or category change may concern any package: every inbox hears of it.
            assert await after(_event("Grid", 1)) == {one, two_three, wide}
            assert await after(_event("Package", 9), _event("Category", 1)) == {
                one,
                two_three,
                wide,
            }
        assert not hub.inboxes and not hub._followers and not hub._narrow and not hub._wide
    finally:
        await hub.stop()


@pytest.mark.parametrize("count", [10, 1000])
async def test_a_change_wakes_its_subscribers_only(
    catalogue, graphql_schema, settings, count, monkeypatch
):
    """`count` subscribers with packages of their own; two of them also follow package 1."""
    hub = EventHub(catalogue, MemoryBroker())
    await hub.start()
    contexts = [Context.create(db=catalogue, settings=settings, hub=hub) for _ in range(count)]
    variables = [{"ids": [10_000 + index] + ([1] if index < 2 else [])} for index in range(count)]
    tasks, queues = await _subscribe(graphql_schema, contexts, WATCH, variables)
    woken: set[Inbox] = set()
    original = Inbox.next

    async def next_counted(self: Inbox) -> Any:
        item = await original(self)
        woken.add(self)
        return item

    monkeypatch.setattr(Inbox, "next", next_counted)
    try:
        await hub.publish(await _write(catalogue, repo_watchers=2468))
        results = [await asyncio.wait_for(queue.get(), 30) for queue in queues[:2]]
        assert all(r.data["packageChanged"]["repoWatchers"] == 2468 for r in results)
        # Woken, or handed the batch and not yet woken: the two followers of package 1.
        reached = woken | {inbox for inbox in hub.inboxes if not inbox.queue.empty()}
        assert len(reached) == 2
        assert all(queue.empty() for queue in queues[2:])
    finally:
        await _stop(tasks, hub)


async def test_a_batch_of_many_packages_loads_only_the_followed_ones(
    catalogue, graphql_schema, settings, monkeypatch
):
    """An import changes hundreds of packages in one batch: a subscriber of package 1
    loads package 1, not one value (and one task) per changed package."""
    hub = EventHub(catalogue, MemoryBroker())
    await hub.start()
    context = Context.create(db=catalogue, settings=settings, hub=hub)
    tasks, [queue] = await _subscribe(graphql_schema, [context], WATCH, [{"ids": [1]}])
    admitted: list[int] = []
    original = PackageTarget.admits

    async def counted(self: PackageTarget, package_id: int, loaders: Any) -> Any:
        admitted.append(package_id)
        return await original(self, package_id, loaders)

    monkeypatch.setattr(PackageTarget, "admits", counted)
    try:
        others = [_event("Package", 20_000 + number) for number in range(200)]
        changes = await _write(catalogue, repo_watchers=2468)
        await hub.broker.publish([*others, *(Event.from_change(change) for change in changes)])
        result = await asyncio.wait_for(queue.get(), 10)
        assert result.data["packageChanged"]["repoWatchers"] == 2468
        assert admitted == [1]  # one batch: 201 packages changed, one loaded
    finally:
        await _stop(tasks, hub)

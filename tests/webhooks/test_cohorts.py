"""Webhooks whose documents differ only in the packages they name ride one cohort stream
(`server.webhook_cohort`): each one queues, body for body, what its stream of its own
queues (changed-only silences, a change during set-up and a resume after its stored
cursor included), and one batch costs the same statements for 100 webhooks as for 2."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from sqlalchemy import select, update
from sqlmodel import col

from core.db import Database
from core.settings import Settings
from events.factory import make_broker
from events.hub import EventHub, PlaceLost
from models import Webhook, WebhookDelivery
from schema.context import Context
from server.webhook_runner import make_webhook_runner
from tests.factories import build_catalogue, package_record
from tests.subscriptions.test_cohort_results import _executions, _subscribe
from webhooks import admin
from webhooks.follower import StartStream, follow_webhook
from writes import IMPORTER, open_unit, upsert_package

OWNER = "test-owner"
PACKAGES = 12
WATCH = """subscription ($slugs: [String!]) {
  packageChanged(slugs: $slugs) { slug title repoHost }
}"""
OTHER_GITHUB = "https://github.com/elsewhere/fork"
REDIS_URL = os.environ.get("REDIS_URL")
BROKERS = ["memory"] + (["redis"] if REDIS_URL else [])


@pytest.fixture(params=BROKERS)
def broker_settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    redis = {"redis_url": REDIS_URL, "redis_prefix": f"test-{uuid.uuid4().hex[:8]}"}
    return settings.model_copy(
        update={"webhooks": True, **(redis if request.param == "redis" else {"redis_url": None})}
    )


@asynccontextmanager
async def running_hub(db: Database, settings: Settings) -> AsyncIterator[EventHub]:
    await build_catalogue(db, packages=PACKAGES)
    hub = EventHub(db, make_broker(settings))
    await hub.start()
    try:
        yield hub
    finally:
        await hub.stop()


def streams(db: Database, settings: Settings, hub: EventHub, schema: Any) -> StartStream:
    runner = make_webhook_runner(settings, db, hub, schema)
    assert runner is not None
    return runner.start_stream


async def make_hooks(db: Database, hub: EventHub, slugs: list[list[str]], tag: str) -> list[int]:
    """Webhooks held by OWNER, each naming its own packages, starting from now."""
    ids = []
    cursor = await hub.head()
    for index, named in enumerate(slugs):
        webhook = await admin.create(
            db,
            name=f"{tag}-{index}",
            url="https://example.com/hook",
            document=WATCH,
            variables={"slugs": named},
            operation_name=None,
            secret="whsec_test",
            created_by="test",
            cursor=cursor,
        )
        assert webhook.id is not None
        ids.append(webhook.id)
    async with db.transaction() as session:
        await session.execute(
            update(Webhook)
            .where(col(Webhook.id).in_(ids))
            .values(lease_owner=OWNER, lease_expires=datetime.now(UTC) + timedelta(hours=1))
        )
    return ids


@asynccontextmanager
async def following(
    db: Database, hub: EventHub, ids: list[int], start: StartStream
) -> AsyncIterator[None]:
    """Each webhook followed as the runner follows it, from its stored cursor."""
    async with db.session() as session:
        rows = (await session.execute(select(Webhook).where(col(Webhook.id).in_(ids)))).scalars()
        hooks = list(rows)
    tasks = [
        asyncio.create_task(follow_webhook(db, OWNER, hook, start, lambda: None, hub.resume_point))
        for hook in hooks
    ]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        assert all(isinstance(r, asyncio.CancelledError | None) for r in results), results


async def change(db: Database, hub: EventHub, **packages: dict[str, Any]) -> None:
    """One unit (one batch of events), as the importer writes: `p3={"title": ...}`."""
    changes: list[Any] = []

    async def keep(batch: Any) -> None:
        changes.extend(batch)

    async with open_unit(db, actor=IMPORTER, publish=keep) as unit:
        for name, fields in packages.items():
            number = int(name[1:])
            await upsert_package(unit, package_record(number, grid_ids=(1, 2), **fields))
    await hub.publish(changes)


async def queued(db: Database, ids: list[int]) -> dict[int, list[Any]]:
    """Each webhook's queued bodies (without their timestamp), in order, and its cursor."""
    async with db.session() as session:
        rows = await session.execute(
            select(WebhookDelivery).order_by(
                col(WebhookDelivery.webhook_id), col(WebhookDelivery.sequence)
            )
        )
        deliveries = list(rows.scalars())
        hooks = {
            hook.id: hook
            for hook in (
                await session.execute(select(Webhook).where(col(Webhook.id).in_(ids)))
            ).scalars()
        }
    bodies: dict[int, list[Any]] = {webhook_id: [] for webhook_id in ids}
    for delivery in deliveries:
        if delivery.webhook_id in bodies:
            body = orjson.loads(delivery.payload)
            del body["timestamp"]
            bodies[delivery.webhook_id].append(body)
    return {webhook_id: [*bodies[webhook_id], hooks[webhook_id].cursor] for webhook_id in ids}


async def until(check: Callable[[], Any], what: str) -> None:
    for _ in range(1000):
        if await check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never: {what}")


async def settled(db: Database, ids: list[int], count: int) -> dict[int, list[Any]]:
    """Once `count` deliveries are queued among `ids`, and a moment later no more."""

    async def total() -> int:
        async with db.session() as session:
            rows = await session.execute(
                select(col(WebhookDelivery.id)).where(col(WebhookDelivery.webhook_id).in_(ids))
            )
            return len(list(rows))

    await until(lambda: _at_least(total, count), f"{count} deliveries")
    await asyncio.sleep(0.3)
    assert await total() == count
    return await queued(db, ids)


async def _at_least(total: Callable[[], Any], count: int) -> bool:
    return bool(await total() >= count)


def slugs_of(count: int) -> list[list[str]]:
    """Webhook i names two packages of its own choice (most pairs distinct) and a slug
    that names nothing (every variable set distinct)."""
    return [
        [f"package-{1 + i % PACKAGES}", f"package-{1 + (i * 5 + 3) % PACKAGES}", f"none-{i}"]
        for i in range(count)
    ]


async def test_each_webhook_of_a_cohort_queues_what_its_own_stream_queues(
    db, broker_settings, graphql_schema
):
    async with running_hub(db, broker_settings) as hub:
        riding = streams(db, broker_settings, hub, graphql_schema)
        alone = streams(
            db,
            broker_settings.model_copy(update={"share_subscription_streams": False}),
            hub,
            graphql_schema,
        )
        named = slugs_of(8)
        cohort_ids = await make_hooks(db, hub, named, "cohort")
        solo_ids = await make_hooks(db, hub, named, "solo")
        ids = cohort_ids + solo_ids
        before = len(hub.inboxes)
        async with following(db, hub, cohort_ids, riding), following(db, hub, solo_ids, alone):
            # During set-up: nobody has joined yet, and the change still reaches them.
            await change(db, hub, p1={"title": "one"}, p4={"title": "four"})
            await until(_listening(hub, before + 1 + len(solo_ids)), "every stream")
            await change(db, hub, p2={"repo_watchers": 5})  # not selected: not even a candidate
            await change(db, hub, **{f"p{n}": {"title": f"t{n}"} for n in range(1, 13)})
            # A new repository URL on the same host: resolved, equal, silent (changed-only).
            await change(db, hub, p3={"title": "t3", "repo_url": OTHER_GITHUB})
            await change(db, hub, p4={"title": "t4"}, p5={"title": "five"})  # p4 unchanged
            await change(db, hub, p6={"title": "t6", "repo_url": "https://gitlab.com/a/b"})
            await change(db, hub, p6={"title": "t6", "repo_url": "https://gitlab.com/c/d"})
            first = await settled(db, ids, _expected(named, ({1, 4}, set(range(1, 13)), {5}, {6})))
        # Stopped (a lease lost, a restart): changes meanwhile are replayed after the cursor.
        await change(db, hub, p3={"title": "three again"}, p6={"repo_watchers": 1})
        await change(db, hub, p7={"title": "seven again"})
        async with following(db, hub, cohort_ids, riding), following(db, hub, solo_ids, alone):
            await until(_listening(hub, before + 1 + len(solo_ids)), "every stream again")
            await change(db, hub, p3={"title": "three again"}, p8={"title": "eight again"})
            await change(db, hub, p8={"title": "eight again", "repo_url": OTHER_GITHUB})
            count = _expected(named, ({1, 4}, set(range(1, 13)), {5}, {6}, {3, 6, 7}, {8}))
            second = await settled(db, ids, count)
    for cohort_id, solo_id in zip(cohort_ids, solo_ids, strict=True):
        assert first[cohort_id] == first[solo_id]
        assert second[cohort_id] == second[solo_id]
        assert second[cohort_id][: len(first[cohort_id]) - 1] == first[cohort_id][:-1]
    bodies = [body for hook in cohort_ids for body in second[hook][:-1]]
    assert {body["data"]["packageChanged"]["slug"] for body in bodies} >= {"package-3"}
    assert len(bodies) == count // 2


def _listening(hub: EventHub, inboxes: int) -> Callable[[], Any]:
    async def check() -> bool:
        return len(hub.inboxes) == inboxes and hub.subscriptions >= inboxes

    return check


def _expected(named: list[list[str]], batches: tuple[set[int], ...]) -> int:
    """Deliveries both halves queue: per webhook and batch, one per named package the
    batch changed in a selected field; after the restart, one per package changed while
    it was stopped (a replay has no baseline to be silent against: p6's watchers)."""
    total = 0
    for slugs in named:
        own = {int(slug.split("-")[1]) for slug in slugs if slug.startswith("package-")}
        total += sum(len(own & batch) for batch in batches)
    return 2 * total


async def test_one_batch_costs_the_same_statements_for_100_webhooks_as_for_2(
    db, settings, graphql_schema, count_statements
):
    hook_settings = settings.model_copy(update={"webhooks": True, "redis_url": None})
    counts = {}
    async with running_hub(db, hook_settings) as hub:
        riding = streams(db, hook_settings, hub, graphql_schema)
        for count in (2, 100):
            ids = await make_hooks(db, hub, slugs_of(count), f"n{count}")
            async with following(db, hub, ids, riding):
                await until(_members(hub, count), f"{count} webhooks in one stream")
                await asyncio.sleep(0.2)
                with count_statements() as log:
                    await change(db, hub, p1={"title": f"for {count}"}, p6={"title": str(count)})
                    expected = sum(
                        len({"package-1", "package-6"} & set(s)) for s in slugs_of(count)
                    )
                    await settled(db, ids, expected)
            reads = [s for s in log.statements if "webhook" not in s.lower()]
            counts[count] = len(reads)
    # The unit's writes and the batch's reads, whatever the number of webhooks.
    assert counts[100] == counts[2], counts


def _members(hub: EventHub, count: int) -> Callable[[], Any]:
    async def check() -> bool:
        return len(hub.inboxes) == 1 and hub.subscriptions == count

    return check


async def test_a_lost_lease_stops_only_that_webhook(db, settings, graphql_schema):
    hook_settings = settings.model_copy(update={"webhooks": True, "redis_url": None})
    async with running_hub(db, hook_settings) as hub:
        riding = streams(db, hook_settings, hub, graphql_schema)
        named = [["package-1"], ["package-1", "package-2"], ["package-2", "none"]]
        ids = await make_hooks(db, hub, named, "lease")
        async with following(db, hub, ids, riding):
            await until(_members(hub, 3), "three webhooks in one stream")
            async with db.transaction() as session:  # another process took the first one
                await session.execute(
                    update(Webhook).where(col(Webhook.id) == ids[0]).values(lease_owner="other")
                )
            await change(db, hub, p1={"title": "taken"})
            await until(_members(hub, 2), "the first one gone")
            await change(db, hub, p1={"title": "kept"}, p2={"title": "two"})
            bodies = await settled(db, ids, 4)
    titles = {
        hook: [body["data"]["packageChanged"]["title"] for body in bodies[hook][:-1]]
        for hook in ids
    }
    assert titles == {ids[0]: [], ids[1]: ["taken", "kept", "two"], ids[2]: ["two"]}


async def test_a_position_the_broker_lost_resumes_from_now_then_rides_the_cohort(
    db, settings, graphql_schema
):
    """EVENTS_EXPIRED as before (its stream of its own reports it, the follower moves the
    cursor), then the webhook joins its cohort; a document that cannot form a cohort
    (a category filter) keeps a stream of its own."""
    hook_settings = settings.model_copy(update={"webhooks": True, "redis_url": None})
    async with running_hub(db, hook_settings) as hub:
        riding = streams(db, hook_settings, hub, graphql_schema)
        ids = await make_hooks(db, hub, [["package-1"], ["package-1", "package-2"]], "lost")
        [in_category] = await make_hooks(db, hub, [[]], "category")
        async with db.transaction() as session:
            await session.execute(
                update(Webhook).where(col(Webhook.id) == ids[0]).values(cursor="gone-7")
            )
            await session.execute(
                update(Webhook)
                .where(col(Webhook.id) == in_category)
                .values(document=IN_CATEGORY, variables={})
            )
        async with following(db, hub, [*ids, in_category], riding):
            await until(_listening(hub, 2), "one cohort stream and one of its own")
            await until(_members_of(hub, 2), "both webhooks in the cohort")
            await change(db, hub, p1={"title": "after"})
            bodies = await settled(db, [*ids, in_category], 3)
    assert bodies[ids[0]][-1] == bodies[ids[1]][-1] != "gone-7"
    for hook in (*ids, in_category):
        assert [body["data"]["packageChanged"]["title"] for body in bodies[hook][:-1]] == ["after"]


IN_CATEGORY = 'subscription { packageChanged(categorySlug: "category-1") { slug title } }'


def _members_of(hub: EventHub, count: int) -> Callable[[], Any]:
    async def check() -> bool:
        return any(inbox.subscribers == count for inbox in hub.inboxes)

    return check


async def test_a_change_while_a_webhook_joins_reaches_it_once(db, settings, graphql_schema):
    """The change lands after a webhook's replay was read and before it joined: its place
    catches it up (and a replay that already holds it does not give it twice)."""
    hook_settings = settings.model_copy(update={"webhooks": True, "redis_url": None})
    async with running_hub(db, hook_settings) as hub:
        riding = streams(db, hook_settings, hub, graphql_schema)
        ids = await make_hooks(db, hub, [["package-1"], ["package-1", "none"]], "joining")
        replay = hub.replay
        changed = asyncio.Event()

        async def replay_then_change(after: str) -> list[Any]:
            events = await replay(after)
            if not changed.is_set():
                changed.set()
                await change(db, hub, p1={"title": "while joining"})
                head = await hub.head()
                await until(lambda: _handed_out(hub, head), "the change handed out")
            return events

        hub.replay = replay_then_change  # type: ignore[method-assign]
        async with following(db, hub, ids, riding):
            await until(_members(hub, 2), "both in the cohort")
            await change(db, hub, p1={"title": "joined"})
            bodies = await settled(db, ids, 4)
    for hook in ids:
        titles = [body["data"]["packageChanged"]["title"] for body in bodies[hook][:-1]]
        assert titles == ["while joining", "joined"]


async def _handed_out(hub: EventHub, head: str) -> bool:
    return hub.last_event_id == head


async def test_a_webhook_the_cohort_cannot_take_runs_a_stream_of_its_own(
    db, settings, graphql_schema
):
    """Its place is lost as it joins (the broker reconnected meanwhile, say): it follows
    alone from its cursor, and misses nothing."""
    hook_settings = settings.model_copy(update={"webhooks": True, "redis_url": None})
    async with running_hub(db, hook_settings) as hub:
        riding = streams(db, hook_settings, hub, graphql_schema)
        ids = await make_hooks(db, hub, [["package-1"], ["package-1", "none"]], "refused")
        places_since = hub.places_since
        lost = []

        def lose_the_second(place: Any) -> list[Any]:
            lost.append(place)
            if len(lost) == 2:
                raise PlaceLost("lost for the test")
            return places_since(place)

        hub.places_since = lose_the_second  # type: ignore[method-assign]
        await change(db, hub, p1={"title": "before"})
        async with following(db, hub, ids[:1], riding):
            await until(_members(hub, 1), "the first in its cohort")
            async with following(db, hub, ids[1:], riding):  # joins a listening cohort
                await until(_listening(hub, 2), "a cohort stream and a stream of its own")
                assert sorted(inbox.subscribers for inbox in hub.inboxes) == [1, 1]
                await change(db, hub, p1={"title": "after"})
                bodies = await settled(db, ids, 4)
    assert len(lost) == 2
    for hook in ids:
        titles = [body["data"]["packageChanged"]["title"] for body in bodies[hook][:-1]]
        assert titles == ["before", "after"]


async def test_webhooks_and_a_websocket_subscriber_of_one_document_share_one_execution(
    db, settings, graphql_schema
):
    """The webhooks' cohort stream and a subscriber's stream of the same document and
    permission class resolve a changed package once per batch (the batch's loaders hold
    the result: `schema.subscriptions.shared_results`)."""
    hook_settings = settings.model_copy(update={"webhooks": True, "redis_url": None})
    async with running_hub(db, hook_settings) as hub:
        riding = streams(db, hook_settings, hub, graphql_schema)
        ids = await make_hooks(db, hub, [["package-1"], ["package-1", "package-2"]], "shared")
        context = Context.create(db=db, settings=hook_settings, hub=hub)
        tasks, [queue] = await _subscribe(
            graphql_schema, [context], WATCH, [{"slugs": ["package-1"]}]
        )
        try:
            async with following(db, hub, ids, riding):
                await until(_listening(hub, 2), "the cohort stream and the subscriber's")
                await until(_members_of(hub, 2), "both webhooks in the cohort")
                await asyncio.sleep(0.5)  # their set-up read (its own loaders) done
                with _executions() as executions:
                    await change(db, hub, p1={"title": "once"})
                    result = await asyncio.wait_for(queue.get(), 10)
                    await settled(db, ids, 2)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    assert result.data["packageChanged"]["title"] == "once"
    assert executions == ["packageChanged"]

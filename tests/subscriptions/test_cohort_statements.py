"""What a cohort's compiled re-read costs (`server.websocket.cohort_reads`): one batch of
changes costs one statement per plan level (and the batch's one package look-up), the
same for 10 distinct subscribers as for 1,000, and the same for 3 changed packages as
for 300; no object goes through Strawberry."""

from __future__ import annotations

import asyncio
from typing import Any

from server.websocket.cohort import Cohort
from tests.factories import build_catalogue, package_record
from tests.subscriptions.conftest import LiveServer, live_server
from tests.subscriptions.test_batching_and_cleanup import _quiet
from tests.subscriptions.test_cohort_stream import _cohorts
from tests.subscriptions.wsclient import GraphQLSocket
from writes import IMPORTER, Change, open_unit, upsert_package

PACKAGES = 300
WATCH = (
    "subscription ($ids: [Int!]) { packageChanged(ids: $ids) { slug repoWatchers "
    "category { title } grids { slug } participants(first: 2) { nodes { login } } } }"
)


def _follows(number: int) -> list[int]:
    """Two packages of the 300, and an id of its own (distinct variables, no package)."""
    return [number % PACKAGES + 1, (number + PACKAGES // 2) % PACKAGES + 1, 100_000 + number]


async def _wait(predicate: Any, what: str, seconds: float = 60) -> None:
    for _ in range(int(seconds / 0.02)):
        if predicate():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"waited in vain for {what}")


async def _subscribe(live: LiveServer, socket: GraphQLSocket, numbers: range) -> Cohort:
    hub = live.app.state.hub
    for number in numbers:
        await socket.subscribe(WATCH, {"ids": _follows(number)})
    await _wait(lambda: hub.subscriptions >= numbers.stop, "the subscribers")
    [cohort] = _cohorts(live)
    await _wait(lambda: all(m.arrived_at is not None for m in cohort.members.values()), "arrivals")
    return cohort


async def _batch(
    live: LiveServer,
    db: Any,
    count_statements: Any,
    sockets: list[tuple[GraphQLSocket, range]],
    changed: range,
    watchers: int,
) -> int:
    """Statements while one batch changing `changed` reaches every subscriber."""
    await _quiet(count_statements)
    changes: list[Change] = []

    async def keep(batch: Any) -> None:
        changes.extend(batch)

    async with open_unit(db, actor=IMPORTER, publish=keep) as unit:
        for number in changed:
            record = package_record(number, grid_ids=(1, 2), repo_watchers=watchers)
            await upsert_package(unit, record)
    with count_statements() as log:
        await live.app.state.hub.publish(changes)
        for socket, numbers in sockets:
            pushes = sum(
                1 for number in numbers for package in _follows(number) if package in changed
            )
            for _ in range(pushes):
                payload = await socket.next_payload(timeout=30)
                assert payload["data"]["packageChanged"]["repoWatchers"] == watchers
            await socket.expect_silence(0.1)
    return log.count


async def test_a_batch_costs_the_same_statements_for_10_or_1000_subscribers_and_3_or_300_packages(
    db, live_settings, count_statements
):
    await build_catalogue(db, packages=PACKAGES, grids=2, features_per_grid=1)
    settings = live_settings.model_copy(
        update={
            "max_subscriptions_per_connection": 1000,
            "compiled_differential": False,
            "webhook_poll_seconds": 3600,  # no webhook look-ups among the counted statements
        }
    )
    async with live_server(db, settings) as live:
        few = await GraphQLSocket.open(live.ws_url)
        many = await GraphQLSocket.open(live.ws_url)
        try:
            cohort = await _subscribe(live, few, range(10))
            sockets = [(few, range(10))]
            every = range(1, PACKAGES + 1)
            ten = await _batch(live, db, count_statements, sockets, every, 1)
            assert cohort.reads.objects == 20 + 20  # their baselines, then their 20 packages
            await _subscribe(live, many, range(10, 1000))
            sockets.append((many, range(10, 1000)))
            before = cohort.reads.objects
            thousand = await _batch(live, db, count_statements, sockets, every, 2)
            assert cohort.reads.objects - before == PACKAGES  # each once, for every follower
            three = await _batch(live, db, count_statements, sockets, range(1, 4), 3)
            assert cohort.reads.objects - before == PACKAGES + 3
        finally:
            await few.close()
            await many.close()
    # The packages (the batch's look-up, then the plan's first level), category, grids and
    # participants: one statement each (on PostgreSQL the plan's levels fold into one).
    assert ten == thousand == three
    assert ten <= (5 if db.dialect == "sqlite" else 2)

"""CPU of one import for 200 webhooks that each watch their own 3 packages: each with a
stream of its own, then riding one cohort stream. A measurement, printed, not asserted;
its name keeps it out of the suite (pytest collects `test_*.py`), so it runs only when asked:

    PYTHONPATH=. .venv/bin/python -m pytest -s tests/webhooks/measure_cohort_cpu.py
"""

from __future__ import annotations

import asyncio
import functools
import random
import time
from typing import Any

import pytest

from events.hub import EventHub
from events.memory import MemoryBroker
from tests.factories import build_catalogue, package_record
from tests.webhooks.test_cohorts import following, make_hooks, settled, streams, until
from webhooks import store
from writes import IMPORTER, open_unit, upsert_package

WEBHOOKS = 200
PACKAGES = 305


@pytest.mark.parametrize("writes", ["queued", "not written"])
async def test_cpu_of_one_import_for_200_webhooks(
    db, settings, graphql_schema, writes, monkeypatch
):
    """`not written`: each result counted in memory instead of its `queue_result`
    transaction, to show the streams' own share."""
    written: list[int] = []
    if writes == "not written":

        async def count(db: Any, owner: str, webhook_id: int, *args: Any) -> bool:
            written.append(webhook_id)
            return True

        monkeypatch.setattr(store, "queue_result", count)
    await build_catalogue(db, packages=PACKAGES, grids=1, features_per_grid=1)
    hub = EventHub(db, MemoryBroker())
    await hub.start()
    draw = random.Random(25)
    named = [
        [f"package-{n}" for n in draw.sample(range(1, PACKAGES + 1), 3)] for _ in range(WEBHOOKS)
    ]
    try:
        for round_ in (1, 2, 3):
            for share in (False, True):
                hook_settings = settings.model_copy(
                    update={"webhooks": True, "share_subscription_streams": share}
                )
                start = streams(db, hook_settings, hub, graphql_schema)
                ids = await make_hooks(db, hub, named, f"cpu-{round_}-{share}")
                async with following(db, hub, ids, start):
                    await until(functools.partial(_live, hub), "every webhook listening")
                    streams_run = len(hub.inboxes)  # (1: a cohort; code without them: 200)
                    await asyncio.sleep(0.5)
                    changes = await _import(db, f"r{round_}{share}")
                    wall, cpu = time.monotonic(), time.process_time()
                    await hub.publish(changes)
                    if writes == "not written":
                        await until(lambda: _all(written, 3 * WEBHOOKS), "every result")
                        took = time.monotonic() - wall
                        spent = time.process_time() - cpu
                        written.clear()
                    else:
                        await settled(db, ids, 3 * WEBHOOKS)
                        took = time.monotonic() - wall - 0.3  # settled waits 0.3 s at the end
                        spent = time.process_time() - cpu
                print(
                    f"{writes}, round {round_}, "
                    f"{'one cohort stream' if streams_run == 1 else 'a stream each'}: "
                    f"{3 * WEBHOOKS} results {took:.2f} s after the import's events were "
                    f"published, CPU {spent:.2f} s"
                )
    finally:
        await hub.stop()


async def _import(db: Any, title: str) -> list[Any]:
    """Every package retitled in one unit (one batch of events), not yet published."""
    changes: list[Any] = []

    async def keep(batch: Any) -> None:
        changes.extend(batch)

    async with open_unit(db, actor=IMPORTER, publish=keep) as unit:
        for number in range(1, PACKAGES + 1):
            await upsert_package(unit, package_record(number, grid_ids=(1,), title=title))
    return changes


async def _all(written: list[int], count: int) -> bool:
    return len(written) >= count


async def _live(hub: EventHub) -> bool:
    return len(hub.inboxes) in (1, WEBHOOKS) and hub.subscriptions == WEBHOOKS

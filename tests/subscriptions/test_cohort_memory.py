"""What one member of a cohort (`server.websocket.cohort`) keeps while it is subscribed:
no more than a member of the group it replaced did (its frame prefix and its outbox in a
dict, 0.2 KiB). The identical-document scenario (thousands of subscribers of a few
packages, one cohort) must hold no more per subscriber than those groups. Once: a
ticket's selection key kept as orjson's bytes held their 4 KiB write buffer (5.3 KiB a
member); the ticket, place and joining future kept for as long as the member stayed, and
a dict of baselines of its own, another 0.6; its own prefix, objects and place among each
object's followers, 0.5 KiB. Now members of the same objects and baselines share one
flock, and prefixes are made as frames are sent: 0.16 KiB."""

from __future__ import annotations

import gc
import tracemalloc

from tests.subscriptions.conftest import live_server
from tests.subscriptions.test_cohort_stream import COHORT, _cohorts
from tests.subscriptions.test_fanout import _until
from tests.subscriptions.wsclient import GraphQLSocket

MEMBERS = 200  # (the cohort's own structures, grown once, weigh little over 200)
# Per member, allocated by the code that admits it and keeps it (tracemalloc attributes
# an allocation to the innermost Python frame: ours, for orjson's and asyncio's too).
OURS = ("*/schema/subscriptions/*", "*/server/websocket/cohort.py")
BUDGET = 192  # bytes; 162 measured (its record, its place in the cohort and its flock)


async def test_a_cohort_member_keeps_less_than_a_group_member_did(catalogue, live_settings):
    settings = live_settings.model_copy(update={"max_subscriptions_per_connection": MEMBERS + 1})
    async with live_server(catalogue, settings) as live:
        hub = live.app.state.hub
        async with await GraphQLSocket.open(live.ws_url) as socket:
            await socket.subscribe(COHORT, {"ids": [1]})  # the cohort and its stream
            await _until(lambda: hub.subscriptions == 1, "the first member")
            [cohort] = _cohorts(live)
            await _until(
                lambda: all(m.arrived_at is not None for m in cohort.members.values()), "arrival"
            )
            gc.collect()
            tracing = tracemalloc.is_tracing()  # (the run may trace already: left as it is)
            tracemalloc.start()
            try:
                before = tracemalloc.take_snapshot()
                for number in range(MEMBERS):
                    await socket.subscribe(COHORT, {"ids": [number % 3 + 1]})
                await _until(lambda: hub.subscriptions == MEMBERS + 1, "every member")
                members = list(cohort.members.values())
                # Arrived: each one's baseline of its object (its one result, sent to
                # nobody) was read and kept before its arrival was marked.
                await _until(lambda: all(m.arrived_at is not None for m in members), "arrivals")
                gc.collect()
                after = tracemalloc.take_snapshot()
            finally:
                if not tracing:
                    tracemalloc.stop()
            assert _cohorts(live) == [cohort] and len(cohort.members) == MEMBERS + 1
    ours = [tracemalloc.Filter(True, pattern) for pattern in OURS]
    grown = after.filter_traces(ours).compare_to(before.filter_traces(ours), "filename")
    per_member = sum(stat.size_diff for stat in grown) / MEMBERS
    assert per_member < BUDGET, (per_member, [str(stat) for stat in grown[:5]])

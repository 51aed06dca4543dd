"""A cohort routes an object to its inbox while any member follows it, and no longer once
the last one has left (`server.cohort_feed`): two members follow package 7, one leaves,
a change to 7 still reaches the other; once both have left the hub routes 7 no more. The
same for WebSocket members (`server.websocket.cohort`) and webhooks riding a cohort
(`server.webhook_cohort`)."""

from __future__ import annotations

from typing import Any

from core.db import Database
from events.hub import EventHub, Inbox
from tests.factories import build_catalogue
from tests.schema.mutations.conftest import Tokens, gid
from tests.subscriptions.conftest import live_server
from tests.subscriptions.test_fanout import UPDATE, _until
from tests.subscriptions.wsclient import GraphQLSocket
from tests.webhooks.test_cohorts import (
    _members,
    change,
    following,
    make_hooks,
    running_hub,
    settled,
    streams,
    until,
)

SEVEN = ("Package", 7)
COHORT = "subscription ($ids: [Int!]) { packageChanged(ids: $ids) { title } }"


def _routes_seven(hub: EventHub, inbox: Inbox) -> bool:
    """Whether the hub hands a batch changing package 7 to the inbox."""
    assert inbox.follows is not None
    routed = SEVEN in inbox.follows
    assert routed == (inbox in hub._followers.get(SEVEN, ()))
    return routed


async def test_a_websocket_cohort_routes_an_object_until_its_last_follower_leaves(
    db: Database, live_settings: Any, tokens: Tokens
) -> None:
    await build_catalogue(db, packages=8, grids=2, features_per_grid=2)
    settings = live_settings.model_copy(update={"max_connections_per_client": 20})
    async with live_server(db, settings) as live:
        hub = live.app.state.hub
        watched = [[7], [7, 1], [1]]  # the last keeps the cohort (and its inbox) alive
        sockets = [await GraphQLSocket.open(live.ws_url) for _ in watched]
        try:
            for socket, ids in zip(sockets, watched, strict=True):
                await socket.subscribe(COHORT, {"ids": ids})
            await _until(lambda: hub.subscriptions == 3, "three members")
            [inbox] = hub.inboxes
            assert _routes_seven(hub, inbox)
            await sockets[0].close()
            await _until(lambda: hub.subscriptions == 2, "the first member to leave")
            assert _routes_seven(hub, inbox)  # the second still follows 7
            variables = {"id": gid("Package", 7), "v": 1, "input": {"title": "Seven"}}
            await live.mutate(UPDATE, variables, token=tokens.write)
            payload = await sockets[1].next_payload()
            assert payload["data"]["packageChanged"]["title"] == "Seven"
            await sockets[2].expect_silence(0.1)
            await sockets[1].close()
            await _until(lambda: hub.subscriptions == 1, "the second member to leave")
            assert hub.inboxes == {inbox} and not _routes_seven(hub, inbox)
        finally:
            for socket in sockets:
                await socket.close()


async def test_a_webhook_cohort_routes_an_object_until_its_last_follower_leaves(
    db: Database, settings: Any, graphql_schema: Any
) -> None:
    hook_settings = settings.model_copy(update={"webhooks": True, "redis_url": None})
    async with running_hub(db, hook_settings) as hub:
        riding = streams(db, hook_settings, hub, graphql_schema)
        first, second, third = await make_hooks(
            db, hub, [["package-7"], ["package-7", "package-1"], ["package-1"]], "routes"
        )
        async with following(db, hub, [third], riding):
            async with following(db, hub, [second], riding):
                async with following(db, hub, [first], riding):
                    await until(_members(hub, 3), "three webhooks in one stream")
                    [inbox] = hub.inboxes
                    assert _routes_seven(hub, inbox)
                await until(_members(hub, 2), "the first webhook to leave")
                assert _routes_seven(hub, inbox)  # the second still follows 7
                await change(db, hub, p7={"title": "seven"})
                bodies = await settled(db, [first, second, third], 1)
                [body] = bodies[second][:-1]
                assert body["data"]["packageChanged"]["title"] == "seven"
            await until(_members(hub, 1), "the second webhook to leave")
            assert hub.inboxes == {inbox} and not _routes_seven(hub, inbox)

"""Identical WebSocket subscribers share one stream (server.websocket.fanout) and answer exactly as
subscribers with a stream each do."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.schema.mutations.conftest import gid
from tests.subscriptions.wsclient import GraphQLSocket

WATCH = "subscription { packageChanged(ids: [1]) { title repoWatchers } }"
UPDATE = """
mutation ($id: ID!, $v: Int!, $input: UpdatePackageInput!) {
  updatePackage(id: $id, expectedVersion: $v, input: $input) { version }
}"""


async def _update(live: Any, tokens: Any, version: int, **fields: Any) -> None:
    variables = {"id": gid("Package", 1), "v": version, "input": fields}
    await live.mutate(UPDATE, variables, token=tokens.write)


async def _until(predicate: Any, what: str) -> None:
    for _ in range(500):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"waited in vain for {what}")


async def _solo(live: Any, socket: GraphQLSocket, query: str) -> str:
    """Subscribe with a stream of its own: the reference the shared streams must equal."""
    graphql = live.app.state.graphql
    groups, graphql.subscription_groups = graphql.subscription_groups, None
    try:
        before = live.app.state.hub.subscriptions
        operation = await socket.subscribe(query)
        await _until(lambda: live.app.state.hub.subscriptions > before, "the solo subscription")
    finally:
        graphql.subscription_groups = groups
    return operation


async def _messages(socket: GraphQLSocket, count: int) -> list[dict[str, Any]]:
    return [await socket.receive() for _ in range(count)]


async def test_identical_subscribers_share_one_stream(catalogue, live, tokens):
    hub, groups = live.app.state.hub, live.app.state.graphql.subscription_groups
    async with (
        await GraphQLSocket.open(live.ws_url) as first,
        await GraphQLSocket.open(live.ws_url) as second,
    ):
        ids = [await first.subscribe(WATCH), await first.subscribe(WATCH)]
        ids.append(await second.subscribe(WATCH))
        await _until(lambda: hub.subscriptions == 3, "three subscribers")
        assert len(hub.inboxes) == 1 and len(groups) == 1
        await _update(live, tokens, 1, title="Shared")
        received = await _messages(first, 2) + await _messages(second, 1)
        assert sorted(message["id"] for message in received) == sorted(ids)
        payloads = [message["payload"] for message in received]
        assert payloads[0]["data"] == {"packageChanged": {"title": "Shared", "repoWatchers": 10}}
        assert payloads[0]["extensions"]["eventId"]
        assert all(payload == payloads[0] for payload in payloads)
    await _until(lambda: not hub.inboxes, "the shared stream to end with its last member")
    assert len(groups) == 0


async def test_a_shared_stream_answers_like_a_stream_of_its_own(catalogue, live, tokens):
    """The same changes, seen by a solo subscriber, a shared one from the start, and a
    shared one that joined after the first change: the same messages, byte for byte."""
    async with (
        await GraphQLSocket.open(live.ws_url) as solo,
        await GraphQLSocket.open(live.ws_url) as early,
        await GraphQLSocket.open(live.ws_url) as late,
    ):
        await _solo(live, solo, WATCH)
        await early.subscribe(WATCH)
        await _until(lambda: live.app.state.hub.subscriptions == 2, "the shared subscriber")
        await _update(live, tokens, 1, title="One")
        first = await solo.receive()
        assert await early.receive() == first
        await late.subscribe(WATCH)
        await _until(lambda: live.app.state.hub.subscriptions == 3, "the late subscriber")
        await _update(live, tokens, 2, repoDescription="not selected")
        await _update(live, tokens, 3, title="One")  # equal: the changed-only rule drops it
        await _update(live, tokens, 3, repoWatchers=77)
        await _update(live, tokens, 4, title="Two")
        expected = await _messages(solo, 2)
        assert [m["payload"]["data"]["packageChanged"] for m in expected] == [
            {"title": "One", "repoWatchers": 77},
            {"title": "Two", "repoWatchers": 77},
        ]
        assert await _messages(early, 2) == expected
        assert await _messages(late, 2) == expected
        for socket in (solo, early, late):
            await socket.expect_silence(0.3)


async def test_members_leave_one_at_a_time(catalogue, live, tokens):
    hub = live.app.state.hub
    async with await GraphQLSocket.open(live.ws_url) as staying:
        kept = await staying.subscribe(WATCH)
        async with await GraphQLSocket.open(live.ws_url) as leaving:
            ended = await leaving.subscribe(WATCH)
            await _until(lambda: hub.subscriptions == 2, "two subscribers")
            await leaving.send({"id": ended, "type": "complete"})
            await _until(lambda: hub.subscriptions == 1, "one subscriber left")
            await _update(live, tokens, 1, title="After one left")
            await leaving.expect_silence(0.3)
        message = await staying.receive()
        assert message["id"] == kept
        assert message["payload"]["data"]["packageChanged"]["title"] == "After one left"
        assert len(hub.inboxes) == 1


async def test_different_arguments_or_scopes_make_different_groups(catalogue, live, tokens):
    hub, groups = live.app.state.hub, live.app.state.graphql.subscription_groups
    async with (
        await GraphQLSocket.open(live.ws_url) as anonymous,
        await GraphQLSocket.open(live.ws_url, payload={"token": tokens.write}) as writer,
    ):
        await anonymous.subscribe(WATCH)
        await anonymous.subscribe("subscription { packageChanged(ids: [2]) { title } }")
        await writer.subscribe(WATCH)
        await _until(lambda: hub.subscriptions == 3, "three subscribers")
        assert len(groups) == 3 and len(hub.inboxes) == 3


async def test_resuming_subscribers_replay_on_their_own(catalogue, live, tokens):
    hub = live.app.state.hub
    async with await GraphQLSocket.open(live.ws_url) as ws:
        await ws.subscribe(WATCH)
        await _until(lambda: hub.subscriptions == 1, "the subscriber")
        await _update(live, tokens, 1, title="Missed by the next one")
        event_id = (await ws.next_payload())["extensions"]["eventId"]
        await _update(live, tokens, 2, title="Replayed")
        await ws.next_payload()
        resume = (
            "subscription ($after: String!) { packageChanged(ids: [1], lastEventId: $after) "
            "{ title repoWatchers } }"
        )
        await ws.send(
            {
                "id": "resume",
                "type": "subscribe",
                "payload": {"query": resume, "variables": {"after": event_id}},
            }
        )
        replayed = await ws.next_payload()
        assert replayed["data"]["packageChanged"]["title"] == "Replayed"
        assert len(live.app.state.graphql.subscription_groups) == 1  # the resume is solo

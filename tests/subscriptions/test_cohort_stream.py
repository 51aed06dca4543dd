"""Subscribers that each follow their own packages share one stream per cohort
(`server.websocket.cohort`); each member's messages equal, byte for byte, those of a
subscriber with a stream of its own (Strawberry's, no sharing at all): changed-only
silences, late joiners, leavers and an interrupted event stream included."""

from __future__ import annotations

import asyncio
from typing import Any

from server.websocket.cohort import Cohort
from tests.schema.mutations.conftest import gid
from tests.subscriptions.conftest import LiveServer, live_server
from tests.subscriptions.test_cohorts import _token
from tests.subscriptions.test_fanout import UPDATE, _messages, _until
from tests.subscriptions.wsclient import GraphQLSocket

COHORT = "subscription ($ids: [Int!]) { packageChanged(ids: $ids) { title repoWatchers repoHost } }"
BY_SLUG = "subscription ($s: [String!]) { packageChanged(slugs: $s) { title repoWatchers } }"


async def _edit(live: Any, tokens: Any, package: int, version: int, **fields: Any) -> None:
    variables = {"id": gid("Package", package), "v": version, "input": fields}
    await live.mutate(UPDATE, variables, token=tokens.write)


async def _solo(live: LiveServer, socket: GraphQLSocket, query: str, variables: Any) -> str:
    """A stream of its own (shared streams off while it subscribes): the reference."""
    graphql = live.app.state.graphql
    groups, graphql.subscription_groups = graphql.subscription_groups, None
    try:
        before = live.app.state.hub.subscriptions
        operation = await socket.subscribe(query, variables)
        await _until(lambda: live.app.state.hub.subscriptions > before, "the solo subscription")
    finally:
        graphql.subscription_groups = groups
    return operation


def _cohorts(live: LiveServer) -> list[Cohort]:
    groups = live.app.state.graphql.subscription_groups
    return [group for group in groups._groups.values() if isinstance(group, Cohort)]


async def _pairs(live: LiveServer, watched: list[Any], query: str, name: str) -> list[Any]:
    """For each variable set, a member of the cohort and a solo subscriber."""
    pairs = []
    for variables in watched:
        member, solo = await GraphQLSocket.open(live.ws_url), await GraphQLSocket.open(live.ws_url)
        await _solo(live, solo, query, variables)
        before = live.app.state.hub.subscriptions
        await member.subscribe(query, variables)
        await _until(lambda: live.app.state.hub.subscriptions > before, name)  # noqa: B023
        pairs.append((member, solo))
    return pairs


async def _same(pairs: list[Any], counts: list[int]) -> list[list[dict[str, Any]]]:
    seen = []
    for (member, solo), count in zip(pairs, counts, strict=True):
        expected = await _messages(solo, count)
        assert await _messages(member, count) == expected
        seen.append(expected)
    for member, solo in pairs:
        await member.expect_silence(0.2)
        await solo.expect_silence(0.01)
    return seen


async def test_each_member_of_one_cohort_stream_answers_like_a_stream_of_its_own(
    catalogue, live_settings, tokens
):
    settings = live_settings.model_copy(update={"max_connections_per_client": 20})
    async with live_server(catalogue, settings) as live:
        hub = live.app.state.hub
        pairs = await _pairs(live, [{"ids": [1]}, {"ids": [1, 2]}, {"ids": [2, 3]}], COHORT, "m")
        try:
            [cohort] = _cohorts(live)
            assert len(cohort.members) == 3 and len(hub.inboxes) == 4  # one stream, 3 solos
            await _edit(live, tokens, 1, 1, title="One")
            await _edit(live, tokens, 1, 2, title="One")  # equal: no change
            await _edit(live, tokens, 1, 2, repoDescription="not selected")  # silence
            await _edit(live, tokens, 1, 3, repoUrl="https://github.com/example/moved")
            await _edit(live, tokens, 2, 1, repoWatchers=5)
            await _edit(live, tokens, 3, 1, title="Three")
            seen = await _same(pairs, [1, 2, 2])
            assert seen[2][-1]["payload"]["data"]["packageChanged"]["title"] == "Three"
            # A member that joins now starts from the state it arrives at (its own
            # baseline: the cohort's earlier results are not its).
            pairs += await _pairs(live, [{"ids": [3, 1]}], COHORT, "the late member")
            assert len(_cohorts(live)) == 1 and len(cohort.members) == 4
            await _edit(live, tokens, 3, 2, title="Three")  # equal for everyone
            await _edit(live, tokens, 3, 2, repoWatchers=33)
            await _edit(live, tokens, 1, 4, title="One again")
            await _same(pairs, [1, 1, 1, 2])
            # One leaves: the others go on, and its packages are no longer routed here.
            leaving, _ = pairs[2]
            await leaving.close()
            await _until(lambda: len(cohort.members) == 3, "the member to leave")
            await _edit(live, tokens, 2, 2, repoWatchers=6)
            await _same(pairs[:2], [0, 1])
            assert ("Package", 2) in cohort._routed  # [1, 2] still follows it
        finally:
            for member, solo in pairs:
                await member.close()
                await solo.close()
        await _until(lambda: not hub.inboxes, "every stream to end")
        assert not _cohorts(live)


async def test_own_slugs_and_own_tokens_share_one_stream(catalogue, live_settings, tokens):
    """The issue's integrations: each its own token (one class) and its own slugs."""
    settings = live_settings.model_copy(update={"max_connections_per_client": 20})
    async with live_server(catalogue, settings) as live:
        hub = live.app.state.hub
        sockets = []
        try:
            watched = (["package-1"], ["package-2", "package-1"], ["package-3"])
            for number, slugs in enumerate(watched):
                init = await _token(catalogue, f"integration {number}")
                sockets.append(await GraphQLSocket.open(live.ws_url, payload=init))
                await sockets[-1].subscribe(BY_SLUG, {"s": slugs})
            await _until(lambda: hub.subscriptions == 3, "three integrations")
            [cohort] = _cohorts(live)
            assert len(hub.inboxes) == 1 and cohort.key[-1] == "write"
            await _edit(live, tokens, 1, 1, repoWatchers=11)
            for socket in sockets[:2]:
                payload = await socket.next_payload()
                assert payload["data"]["packageChanged"]["repoWatchers"] == 11
            await sockets[2].expect_silence(0.2)
        finally:
            for socket in sockets:
                await socket.close()


async def test_an_interrupted_stream_gives_each_member_its_own_last_event(
    catalogue, live_settings, tokens
):
    """Each member's `lastEventId` is the last event its solo stream was handed."""
    settings = live_settings.model_copy(update={"max_connections_per_client": 20})
    async with live_server(catalogue, settings) as live:
        hub = live.app.state.hub
        watched = [{"ids": [1]}, {"ids": [2]}, {"ids": [3]}, {"ids": [1, 2]}]
        pairs = await _pairs(live, watched, COHORT, "members")
        try:
            await _edit(live, tokens, 1, 1, title="One")
            await _edit(live, tokens, 2, 1, title="Two")
            await _same(pairs, [1, 1, 0, 2])
            hub._interrupt("a test cut it")
            seen = await _same(pairs, [2, 2, 2, 2])
            last = [messages[0]["payload"]["errors"][0]["extensions"] for messages in seen]
            assert [extensions.get("lastEventId") is None for extensions in last] == [
                False,
                False,
                True,
                False,
            ]
            assert last[0] != last[1] and last[1] == last[3]
            assert all(messages[1]["type"] == "complete" for messages in seen)
        finally:
            for member, solo in pairs:
                await member.close()
                await solo.close()


async def test_members_arriving_together_are_one_item_of_the_bounded_inbox(
    catalogue, live_settings, tokens
):
    """Integrations subscribing at once arrive in one item of the cohort's inbox: with
    room for one item, none of them is sent off to a stream of its own."""
    settings = live_settings.model_copy(update={"max_connections_per_client": 20})
    async with live_server(catalogue, settings) as live:
        hub = live.app.state.hub
        hub.inbox_size = 1
        sockets = [await GraphQLSocket.open(live.ws_url) for _ in range(6)]
        try:
            watched = [[1], [2], [3], [1, 2], [2, 3], [1, 3]]
            await asyncio.gather(
                *(
                    socket.subscribe(COHORT, {"ids": ids})
                    for socket, ids in zip(sockets, watched, strict=True)
                )
            )
            await _until(lambda: hub.subscriptions == 6, "six members")
            [cohort] = _cohorts(live)
            assert len(cohort.members) == 6 and len(hub.inboxes) == 1
            await _edit(live, tokens, 2, 1, repoWatchers=22)
            for socket, ids in zip(sockets, watched, strict=True):
                if 2 in ids:
                    payload = await socket.next_payload()
                    assert payload["data"]["packageChanged"]["repoWatchers"] == 22
                else:
                    await socket.expect_silence(0.1)
        finally:
            for socket in sockets:
                await socket.close()

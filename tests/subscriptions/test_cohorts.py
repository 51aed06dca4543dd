"""Subscribers with their own tokens share a stream when the tokens read the same data
(`schema.permissions.read_class`); each token's budget still applies to it alone."""

from __future__ import annotations

from typing import Any

from auth import Scope, issue_token
from tests.schema.mutations.conftest import gid
from tests.subscriptions.conftest import live_server
from tests.subscriptions.test_fanout import UPDATE, WATCH, _messages, _solo, _until, _update
from tests.subscriptions.wsclient import GraphQLSocket


async def _token(db: Any, name: str, scope: Scope = Scope.WRITE) -> dict[str, str]:
    """A `connection_init` payload with a token of its own."""
    return {"token": (await issue_token(db, name=name, scope=scope)).token}


async def test_own_tokens_of_one_scope_share_a_stream_that_answers_like_a_solo_one(
    catalogue, live, tokens
):
    hub, groups = live.app.state.hub, live.app.state.graphql.subscription_groups
    async with (
        await GraphQLSocket.open(live.ws_url, payload=await _token(catalogue, "solo")) as solo,
        await GraphQLSocket.open(live.ws_url, payload=await _token(catalogue, "a")) as first,
        await GraphQLSocket.open(live.ws_url, payload=await _token(catalogue, "b")) as second,
    ):
        await _solo(live, solo, WATCH)
        await first.subscribe(WATCH)
        await second.subscribe(WATCH)
        await _until(lambda: hub.subscriptions == 3, "three subscribers")
        assert len(groups) == 1  # two tokens, one stream
        await _update(live, tokens, 1, title="One")
        await _update(live, tokens, 2, title="One")  # equal: the changed-only rule drops it
        await _update(live, tokens, 2, repoWatchers=5)
        expected = await _messages(solo, 2)
        assert [m["payload"]["data"]["packageChanged"] for m in expected] == [
            {"title": "One", "repoWatchers": 10},
            {"title": "One", "repoWatchers": 5},
        ]
        assert await _messages(first, 2) == expected
        assert await _messages(second, 2) == expected
        for socket in (solo, first, second):
            await socket.expect_silence(0.3)


async def test_scopes_never_share_a_stream(catalogue, live, tokens):
    hub, groups = live.app.state.hub, live.app.state.graphql.subscription_groups
    async with (
        await GraphQLSocket.open(live.ws_url) as anonymous,
        await GraphQLSocket.open(live.ws_url, payload=await _token(catalogue, "w1")) as writer,
        await GraphQLSocket.open(live.ws_url, payload=await _token(catalogue, "w2")) as other,
        await GraphQLSocket.open(
            live.ws_url, payload=await _token(catalogue, "root2", Scope.ADMIN)
        ) as admin,
    ):
        for socket in (anonymous, writer, other, admin):
            await socket.subscribe(WATCH)
        await _until(lambda: hub.subscriptions == 4, "four subscribers")
        # anonymous, write (two tokens) and admin: three classes, three streams.
        assert len(groups) == 3 and len(hub.inboxes) == 3
        keys = {key[-1] for key in groups._groups}
        assert keys == {"anonymous", "write", "admin"}


async def test_a_token_over_its_budget_is_refused_alone(catalogue, live_settings, tokens):
    """One point per token: the second subscribe of one token is refused, while another
    token of the same class still joins the stream the first one started."""
    settings = live_settings.model_copy(update={"rate_limit_token_points": 1})
    async with live_server(catalogue, settings) as live:
        hub, groups = live.app.state.hub, live.app.state.graphql.subscription_groups
        async with (
            await GraphQLSocket.open(live.ws_url, payload=await _token(catalogue, "x")) as spent,
            await GraphQLSocket.open(live.ws_url, payload=await _token(catalogue, "y")) as fresh,
        ):
            await spent.subscribe(WATCH)
            await _until(lambda: hub.subscriptions == 1, "the first subscriber")
            refused = await spent.subscribe(WATCH)
            message = await spent.receive()
            assert message["id"] == refused and message["type"] == "next"
            assert message["payload"]["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
            assert await spent.receive() == {"id": refused, "type": "complete"}
            await fresh.subscribe(WATCH)
            await _until(lambda: hub.subscriptions == 2, "the other token's subscriber")
            assert len(groups) == 1
            await _update(live, tokens, 1, title="Both")
            for socket in (spent, fresh):
                payload = await socket.next_payload()
                assert payload["data"]["packageChanged"]["title"] == "Both"


COHORT = "subscription ($ids: [Int!]) { packageChanged(ids: $ids) { title repoWatchers repoHost } }"
RESUME = (
    "subscription ($ids: [Int!], $after: String) "
    "{ packageChanged(ids: $ids, lastEventId: $after) { title repoWatchers repoHost } }"
)


async def _edit(live: Any, tokens: Any, package: int, version: int, **fields: Any) -> None:
    variables = {"id": gid("Package", package), "v": version, "input": fields}
    await live.mutate(UPDATE, variables, token=tokens.write)


async def test_each_cohort_member_streams_what_it_would_alone(catalogue, live_settings, tokens):
    """Members with their own variables share executions; each one's messages equal, byte
    for byte, those of a solo subscriber (its own document text: nothing shared), changed-
    only silences and replays included."""
    settings = live_settings.model_copy(update={"max_connections_per_client": 20})
    async with live_server(catalogue, settings) as live:
        await _compare(live, tokens)


async def _compare(live: Any, tokens: Any) -> None:
    hub = live.app.state.hub
    watched = ([1], [1, 2], [2, 3])
    sockets = [await GraphQLSocket.open(live.ws_url) for _ in range(2 * len(watched))]
    members, solos = sockets[: len(watched)], sockets[len(watched) :]
    try:
        for index, ids in enumerate(watched):
            await members[index].subscribe(COHORT, {"ids": ids})
            await solos[index].subscribe(f"{COHORT} # solo {index}", {"ids": ids})
        await _until(lambda: hub.subscriptions == 2 * len(watched), "every subscriber")
        await _edit(live, tokens, 1, 1, title="One")
        await _edit(live, tokens, 1, 2, title="One")  # equal: no change
        await _edit(live, tokens, 1, 2, repoDescription="not selected")  # silence
        # repoHost may change with repoUrl: re-read, found equal, not sent (changed-only)
        await _edit(live, tokens, 1, 3, repoUrl="https://github.com/example/moved")
        await _edit(live, tokens, 2, 1, repoWatchers=5)
        await _edit(live, tokens, 3, 1, title="Three")
        counts = (1, 2, 2)
        replays = (1, 2, 1)  # [1]: repoUrl; [1, 2]: repoUrl, watchers; [2, 3]: title
        firsts = []
        for member, solo, count in zip(members, solos, counts, strict=True):
            expected = await _messages(solo, count)
            assert await _messages(member, count) == expected
            firsts.append(expected[0]["payload"]["extensions"]["eventId"])
        for socket in sockets:
            await socket.expect_silence(0.3)
        for index, (ids, after) in enumerate(zip(watched, firsts, strict=True)):
            variables = {"ids": ids, "after": after}
            own = await GraphQLSocket.open(live.ws_url)
            alone = await GraphQLSocket.open(live.ws_url)
            sockets += [own, alone]
            await own.subscribe(RESUME, variables)
            await alone.subscribe(f"{RESUME} # solo {index}", variables)
            # one result per object changed after `after` (state sync), each with its state now
            replayed = await _messages(alone, replays[index])
            assert await _messages(own, replays[index]) == replayed
            await own.expect_silence(0.2)
            await alone.expect_silence(0.2)
    finally:
        for socket in sockets:
            await socket.close()

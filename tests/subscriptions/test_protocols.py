"""WebSocket protocols: keep-alives, the legacy protocol, limits and close codes."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.schema.mutations.conftest import gid
from tests.subscriptions.wsclient import LEGACY_WS, GraphQLSocket

WATCH = "subscription { packageChanged(ids: [1]) { title } }"
RENAME = """
mutation ($id: ID!, $v: Int!, $t: String!) {
  updatePackage(id: $id, expectedVersion: $v, input: {title: $t}) { version }
}"""


async def _rename(live, tokens, version: int, title: str) -> None:
    variables = {"id": gid("Package", 1), "v": version, "t": title}
    await live.mutate(RENAME, variables, token=tokens.write)


async def _close_code(ws_url: str, *messages: Any, wait: float = 3.0) -> int:
    """Send the messages (dicts as JSON, str as text) and return the server's close code."""
    async with connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        for message in messages:
            await ws.send(message if isinstance(message, str) else json.dumps(message))
        with pytest.raises(ConnectionClosed) as closed:
            async with asyncio.timeout(wait):
                while True:
                    await ws.recv()
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code


INIT = {"type": "connection_init", "payload": {}}


def _subscribe(operation: str = "1") -> dict[str, Any]:
    return {"id": operation, "type": "subscribe", "payload": {"query": WATCH}}


@pytest.mark.parametrize(
    ("messages", "code"),
    [
        ((_subscribe(),), 4401),  # subscribe before connection_init
        ((), 4408),  # no connection_init in time (0.5 s in these tests)
        ((INIT, INIT), 4429),  # a second connection_init
        ((INIT, _subscribe("7"), _subscribe("7")), 4409),  # the same operation id twice
        ((INIT, {"type": "nonsense"}), 4400),
        ((INIT, "not json"), 4400),
        (({"type": "connection_init", "payload": {"authorization": "Bearer dpg_x_y"}},), 4403),
    ],
)
async def test_protocol_violations_close_with_their_codes(catalogue, live, messages, code):
    assert await _close_code(live.ws_url, *messages) == code


@pytest.fixture
def no_database_for_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.exc import OperationalError

    import schema.context

    async def lost(*args: Any) -> None:
        raise OperationalError("SELECT", {}, ConnectionRefusedError("connection refused"))

    monkeypatch.setattr(schema.context, "authenticate", lost)


async def test_a_token_not_checkable_closes_try_again_later(live, no_database_for_tokens):
    """Issue 22: the database is out of reach, so the token is not known bad: 1013 (try
    again later), not 4403 (forbidden) nor a crash."""
    init = {"type": "connection_init", "payload": {"authorization": "Bearer dpg_x_y"}}
    assert await _close_code(live.ws_url, init) == 1013
    async with await GraphQLSocket.open(live.ws_url, protocol=LEGACY_WS, init=False) as ws:
        await ws.send(init)
        refused = await ws.receive()
    assert refused["type"] == "connection_error"
    assert refused["payload"]["extensions"] == {"code": "DATABASE_UNAVAILABLE"}


async def test_a_valid_token_in_connection_init_is_acknowledged(catalogue, live, tokens):
    payload = {"authorization": f"Bearer {tokens.write}"}
    async with await GraphQLSocket.open(live.ws_url, payload=payload) as ws:
        await ws.send({"type": "ping"})
        assert (await ws.receive())["type"] == "pong"


async def test_the_server_pings(catalogue, live):
    async with connect(live.ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps(INIT))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        async with asyncio.timeout(2):
            assert json.loads(await ws.recv()) == {"type": "ping"}


async def test_the_legacy_graphql_ws_protocol(catalogue, live, tokens):
    async with await GraphQLSocket.open(live.ws_url, protocol=LEGACY_WS, init=False) as ws:
        await ws.send({"type": "connection_init", "payload": {}})
        assert (await ws.receive())["type"] == "connection_ack"
        raw = await asyncio.wait_for(ws.connection.recv(), 2)  # keep-alive, after the ack
        assert json.loads(raw)["type"] == "ka"
        await ws.send({"id": "1", "type": "start", "payload": {"query": WATCH}})
        await _until_subscribed(live)
        await _rename(live, tokens, 1, "legacy")
        message = await ws.receive()
        assert message["type"] == "data"
        assert message["payload"]["data"] == {"packageChanged": {"title": "legacy"}}
        await ws.send({"id": "1", "type": "stop"})
        assert (await ws.receive())["type"] == "complete"
        await _rename(live, tokens, 2, "unheard")
        await ws.expect_silence()


async def _legacy_answer(ws: GraphQLSocket, operation: str, query: str, **variables: Any) -> Any:
    """Start a query or mutation on the legacy protocol; its messages up to `complete`
    (or an `error`, which ends it)."""
    await ws.send(
        {"id": operation, "type": "start", "payload": {"query": query, "variables": variables}}
    )
    messages: list[dict[str, Any]] = []
    while not messages or messages[-1]["type"] not in ("complete", "error"):
        message = await ws.receive()
        assert message["id"] == operation, message
        messages.append(message)
    return messages


async def test_the_legacy_protocol_answers_queries_and_mutations(catalogue, live, tokens):
    """Issue 23: a query or mutation in a legacy `start` (Python gql's default transport
    offers graphql-ws first) ran as a subscription and came back INTERNAL_SERVER_ERROR. It
    gets one `data` message, then `complete`, with the checks of every other transport."""
    payload = {"authorization": f"Bearer {tokens.write}"}
    async with await GraphQLSocket.open(live.ws_url, protocol=LEGACY_WS, payload=payload) as ws:
        query = "query ($slug: String!) { package(slug: $slug) { title } rateLimit { cost used } }"
        data, complete = await _legacy_answer(ws, "q", query, slug="package-1")
        assert data["type"] == "data" and complete["type"] == "complete"
        answer = data["payload"]["data"]
        assert answer["package"] == {"title": "package 1"}
        assert answer["rateLimit"]["cost"] == 1  # charged to the token, and said so
        used = answer["rateLimit"]["used"]

        data, complete = await _legacy_answer(ws, "m", RENAME, id=gid("Package", 1), v=1, t="x")
        assert data["payload"] == {"data": {"updatePackage": {"version": 2}}}
        assert complete == {"id": "m", "type": "complete"}

        again, _ = await _legacy_answer(ws, "q2", query, slug="package-1")
        assert again["payload"]["data"]["package"] == {"title": "x"}
        assert again["payload"]["data"]["rateLimit"]["used"] == used + 2  # the mutation's too

        # Refused before it runs: the protocol's `error` message, with the code.
        [error] = await _legacy_answer(ws, "bad", "{ package(slug: 1) { nope } }")
        assert error["type"] == "error"
        assert error["payload"]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"

        # Too costly: refused, never run, as over HTTP.
        costly = (
            "{ packages(first: 100) { nodes { participants(first: 100) {"
            " nodes { packages(first: 100) { nodes { title } } } } } } }"
        )
        data, _ = await _legacy_answer(ws, "big", costly)
        [refused] = data["payload"]["errors"]
        assert refused["extensions"]["code"] == "QUERY_TOO_COMPLEX"

    async with await GraphQLSocket.open(live.ws_url, protocol=LEGACY_WS) as anonymous:
        data, _ = await _legacy_answer(anonymous, "m", RENAME, id=gid("Package", 1), v=2, t="y")
        [refused] = data["payload"]["errors"]
        assert refused["extensions"]["code"] == "UNAUTHENTICATED"


async def test_subscriptions_per_connection_are_capped(catalogue, live, tokens):
    async with await GraphQLSocket.open(live.ws_url) as ws:
        for _ in range(3):
            await ws.subscribe(WATCH)
        await _until_subscribed(live, 3)
        fourth = await ws.subscribe(WATCH)
        refused = await ws.receive()
        assert (refused["type"], refused["id"]) == ("error", fourth)
        assert "limit" in refused["payload"][0]["message"]
        assert refused["payload"][0]["extensions"] == {"code": "TOO_MANY_SUBSCRIPTIONS", "limit": 3}
        await _rename(live, tokens, 1, "three of them")
        ids = {(await ws.receive())["id"] for _ in range(3)}
        assert ids == {"1", "2", "3"}


async def test_legacy_subscriptions_per_connection_are_capped(catalogue, live):
    async with await GraphQLSocket.open(live.ws_url, protocol=LEGACY_WS) as ws:
        for number in range(3):
            await ws.send({"id": f"s{number}", "type": "start", "payload": {"query": WATCH}})
        await _until_subscribed(live, 3)
        [refused] = await _legacy_answer(ws, "fourth", WATCH)
        assert refused["type"] == "error"
        assert refused["payload"]["extensions"] == {"code": "TOO_MANY_SUBSCRIPTIONS", "limit": 3}


async def test_connections_per_client_are_capped(catalogue, live):
    sockets = [await GraphQLSocket.open(live.ws_url) for _ in range(5)]
    try:
        assert await _close_code(live.ws_url) == 4429
        await sockets.pop().close()
        await asyncio.sleep(0.1)
        async with await GraphQLSocket.open(live.ws_url):
            pass
    finally:
        for socket in sockets:
            await socket.close()


ROUNDS = 200


async def test_complete_stops_one_operation(catalogue, live, tokens):
    """Completing one operation ends that one alone, even while its neighbour on the same
    socket is still reading its baseline (the two share the delivery's loaders): repeated
    so that the completion lands at every point of the other's start."""
    async with await GraphQLSocket.open(live.ws_url) as ws:
        for version in range(1, ROUNDS + 1):
            first = await ws.subscribe(WATCH)
            second = await ws.subscribe("subscription { packageChanged(ids: [1]) { version } }")
            await _until_subscribed(live, 2)
            await ws.send({"id": first, "type": "complete"})
            await _until_subscribed(live, 1, exactly=True)
            await _rename(live, tokens, version, f"round {version}")
            message = await ws.receive()
            assert (message["id"], message["type"]) == (second, "next"), (version, message)
            assert message["payload"]["data"] == {"packageChanged": {"version": version + 1}}
            await ws.send({"id": second, "type": "complete"})
            await _until_subscribed(live, 0, exactly=True)


async def _until_subscribed(live, count: int = 1, *, exactly: bool = False) -> None:
    """Until the hub holds `count` subscriptions (at least, or exactly)."""
    hub = live.app.state.hub
    for _ in range(500):
        held = hub.subscriptions
        if held == count or (held > count and not exactly):
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{hub.subscriptions} subscriptions, expected {count}")

"""The `gql` library, a client people really use, against a live server: it forgives less
than our hand-made protocol clients (binary frames, unknown messages, its own validation).

HTTP through `HTTPXAsyncTransport`, local validation with the schema it fetches,
subscriptions and mutations over both WebSocket subprotocols through `WebsocketsTransport`,
and that transport on its defaults (it offers the legacy graphql-ws first): a query, a
mutation and a subscription.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

import httpx
import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXAsyncTransport
from gql.transport.websockets import WebsocketsTransport
from graphql import ExecutionResult, GraphQLError

from core.db import Database
from core.settings import Settings
from events.hub import EventHub, Inbox
from tests.schema.mutations.conftest import Tokens, gid
from tests.subscriptions.conftest import LiveServer, start_live_server

TRANSPORT_WS = WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL  # "graphql-transport-ws"
LEGACY_WS = WebsocketsTransport.APOLLO_SUBPROTOCOL  # "graphql-ws"
WAIT = 5.0  # seconds: an upper bound for anything that should happen at once

PACKAGE = "query ($slug: String!) { package(slug: $slug) { databaseId title repoWatchers } }"
RENAME = """
mutation ($id: ID!, $v: Int!, $input: UpdatePackageInput!) {
  updatePackage(id: $id, expectedVersion: $v, input: $input) { version title }
}"""
WATCH = 'subscription { packageChanged(slugs: ["package-1"]) { title repoWatchers } }'


@pytest.fixture
async def live(db: Database, settings: Settings) -> AsyncIterator[LiveServer]:
    """A real uvicorn on a free port, in this process so tests can watch its event hub.

    It keeps the production keep-alive (a ping every 15 s): gql 4.4 answers a ping that
    arrives while it closes the socket with a pong on the socket it just dropped, and its
    receive task dies with "Task exception was never retrieved". Frequent pings made that
    hit a few closes in a hundred; server pings are tested in tests/subscriptions."""
    assert settings.redis_url is None  # events through the in-memory broker
    server, task = await start_live_server(db, settings)
    try:
        yield server
    finally:
        server.server.should_exit = True
        await asyncio.wait_for(task, 10)


@pytest.fixture
def opened(live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> asyncio.Queue[None]:
    """One item per subscription the server has started following events for.

    gql sends `subscribe` only once its generator is iterated, and a protocol has no
    acknowledgement for it: a change made before the server registers the subscription
    is rightly never sent, so tests wait for this instead of guessing with a sleep."""
    hub: EventHub = live.app.state.hub
    queue: asyncio.Queue[None] = asyncio.Queue()
    original = hub.inbox

    @asynccontextmanager
    async def watched_inbox(**options: Any) -> AsyncIterator[Inbox]:
        async with original(**options) as inbox:
            queue.put_nowait(None)
            yield inbox

    monkeypatch.setattr(hub, "inbox", watched_inbox)
    return queue


class Events:
    """A gql subscription, started at once, whose results are taken one at a time."""

    def __init__(self, results: AsyncGenerator[ExecutionResult, None]) -> None:
        self._results = results
        self._first: asyncio.Task[ExecutionResult] | None = asyncio.ensure_future(anext(results))

    async def next(self) -> ExecutionResult:
        first, self._first = self._first, None
        step = first if first is not None else anext(self._results)
        return await asyncio.wait_for(step, WAIT)

    async def close(self) -> None:
        if self._first is not None:
            self._first.cancel()  # an error it already ended with still propagates
            with suppress(asyncio.CancelledError):
                await self._first
        await self._results.aclose()


@asynccontextmanager
async def subscription(
    session: Any, document: str, opened: asyncio.Queue[None]
) -> AsyncIterator[Events]:
    """Subscribe and return once the server follows events for it."""
    events = Events(session.subscribe(GraphQLRequest(document), get_execution_result=True))
    try:
        await asyncio.wait_for(opened.get(), WAIT)
        yield events
    finally:
        await events.close()


async def _update(live: LiveServer, tokens: Tokens, version: int, **fields: Any) -> None:
    """Change package 1 over plain HTTP, as another client would."""
    variables = {"id": gid("Package", 1), "v": version, "input": fields}
    await live.mutate(RENAME, variables, token=tokens.write)


def _socket(live: LiveServer, protocol: str, **options: Any) -> WebsocketsTransport:
    return WebsocketsTransport(url=live.ws_url, subprotocols=[protocol], **options)


# HTTP


async def test_a_query_with_variables(catalogue, live):
    async with Client(transport=HTTPXAsyncTransport(url=live.http_url)) as session:
        request = GraphQLRequest(PACKAGE, variable_values={"slug": "package-2"})
        result = await session.execute(request)
    assert result == {"package": {"databaseId": 2, "title": "package 2", "repoWatchers": 20}}


@pytest.mark.parametrize(
    ("document", "variables", "code", "message"),
    [
        (
            "query ($first: Int!) { packages(first: $first) { totalCount } }",
            {"first": 500},
            "BAD_USER_INPUT",
            "first",
        ),
        (RENAME, {"id": gid("Package", 99), "v": 1, "input": {"title": "x"}}, "NOT_FOUND", "99"),
    ],
)
async def test_an_error_arrives_as_transport_query_error_with_its_code(
    catalogue, live, tokens, document, variables, code, message
):
    transport = HTTPXAsyncTransport(
        url=live.http_url, headers={"Authorization": f"Bearer {tokens.write}"}
    )
    async with Client(transport=transport) as session:
        with pytest.raises(TransportQueryError) as refused:
            await session.execute(GraphQLRequest(document, variable_values=variables))
    assert refused.value.errors is not None
    [error] = refused.value.errors
    assert error["extensions"]["code"] == code
    assert message in error["message"]
    assert message in str(refused.value)
    assert "Traceback" not in error["message"]


async def test_the_fetched_schema_validates_documents_before_they_are_sent(catalogue, live):
    requests: list[httpx.Request] = []

    async def record(request: httpx.Request) -> None:
        requests.append(request)

    transport = HTTPXAsyncTransport(url=live.http_url, event_hooks={"request": [record]})
    client = Client(transport=transport, fetch_schema_from_transport=True)
    async with client as session:
        assert client.schema is not None
        assert client.schema.subscription_type is not None
        assert "packageChanged" in client.schema.subscription_type.fields
        request = GraphQLRequest(PACKAGE, variable_values={"slug": "package-1"})
        assert (await session.execute(request))["package"]["title"] == "package 1"
        sent = len(requests)  # the introspection query and this one
        assert sent == 2
        with pytest.raises(GraphQLError) as refused:
            await session.execute(GraphQLRequest('{ package(slug: "package-1") { nope } }'))
        assert "Cannot query field 'nope' on type 'Package'" in refused.value.message
        with pytest.raises(GraphQLError, match="Unknown argument 'color'"):
            await session.execute(GraphQLRequest("{ packages(color: RED) { totalCount } }"))
        assert len(requests) == sent  # refused locally: the server never saw them


# WebSocket: graphql-transport-ws


async def test_only_changes_to_selected_fields_are_pushed(catalogue, live, tokens, opened):
    transport = _socket(live, TRANSPORT_WS)
    async with Client(transport=transport) as session:
        assert transport.subprotocol == TRANSPORT_WS
        async with subscription(session, WATCH, opened) as events:
            await _update(live, tokens, 1, title="Renamed")
            first = await events.next()
            assert first.data == {"packageChanged": {"title": "Renamed", "repoWatchers": 10}}
            assert first.extensions is not None
            assert first.extensions["eventId"]
            await _update(live, tokens, 2, repoDescription="not selected")
            await _update(live, tokens, 3, repoWatchers=11)
            # The very next result is the second selected change: the first change was sent
            # once, and the unselected one not at all.
            second = await events.next()
            assert second.data == {"packageChanged": {"title": "Renamed", "repoWatchers": 11}}
            assert second.extensions is not None
            assert second.extensions["eventId"] not in (None, first.extensions["eventId"])


async def test_a_mutation_over_the_socket_with_the_token_in_init_payload(catalogue, live, tokens):
    variables = {"id": gid("Package", 1), "v": 1, "input": {"title": "over the socket"}}
    anonymous = _socket(live, TRANSPORT_WS)
    async with Client(transport=anonymous) as session:
        with pytest.raises(TransportQueryError) as refused:
            await session.execute(GraphQLRequest(RENAME, variable_values=variables))
    assert refused.value.errors is not None
    assert refused.value.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"

    authorized = _socket(
        live, TRANSPORT_WS, init_payload={"authorization": f"Bearer {tokens.write}"}
    )
    async with Client(transport=authorized) as session:
        result = await session.execute(GraphQLRequest(RENAME, variable_values=variables))
        assert result == {"updatePackage": {"version": 2, "title": "over the socket"}}
        request = GraphQLRequest(PACKAGE, variable_values={"slug": "package-1"})
        assert (await session.execute(request))["package"]["title"] == "over the socket"


# WebSocket: the legacy graphql-ws


async def test_the_legacy_subprotocol_subscribes_and_receives(catalogue, live, tokens, opened):
    transport = _socket(live, LEGACY_WS)
    async with Client(transport=transport) as session:
        assert transport.subprotocol == LEGACY_WS
        async with subscription(session, WATCH, opened) as events:
            await _update(live, tokens, 1, repoWatchers=12)
            result = await events.next()
            assert result.data == {"packageChanged": {"title": "package 1", "repoWatchers": 12}}


# WebSocket: gql's default transport


PAGE = """
query PackagePage($slug: String!) {
  package(slug: $slug) { __typename ...PackageCard grids { ...GridLink } }
}
fragment PackageCard on Package { id databaseId title repoWatchers }
fragment GridLink on Grid { id slug }
"""


async def test_the_default_websockets_transport_runs_queries_mutations_and_subscriptions(
    catalogue, live, tokens, opened
):
    """gql's `WebsocketsTransport` offers the legacy graphql-ws first and the server takes
    it: a query or mutation over it came back INTERNAL_SERVER_ERROR (issue 23)."""
    init = {"authorization": f"Bearer {tokens.write}"}
    transport = WebsocketsTransport(url=live.ws_url, init_payload=init)  # nothing else set
    async with Client(transport=transport) as session:
        assert transport.subprotocol == LEGACY_WS

        page = await session.execute(GraphQLRequest(PAGE, variable_values={"slug": "package-1"}))
        package = page["package"]
        assert package["__typename"] == "Package"
        assert (package["id"], package["databaseId"]) == (gid("Package", 1), 1)
        assert (package["title"], package["repoWatchers"]) == ("package 1", 10)
        assert [grid["slug"] for grid in package["grids"]] == ["grid-1", "grid-2"]

        async with subscription(session, WATCH, opened) as events:
            variables = {"id": gid("Package", 1), "v": 1, "input": {"title": "over gql's default"}}
            renamed = await session.execute(GraphQLRequest(RENAME, variable_values=variables))
            assert renamed == {"updatePackage": {"version": 2, "title": "over gql's default"}}
            changed = await events.next()
            assert changed.data == {
                "packageChanged": {"title": "over gql's default", "repoWatchers": 10}
            }

    anonymous = WebsocketsTransport(url=live.ws_url)
    async with Client(transport=anonymous) as session:
        assert anonymous.subprotocol == LEGACY_WS
        variables = {"id": gid("Package", 1), "v": 2, "input": {"title": "anonymous"}}
        with pytest.raises(TransportQueryError) as refused:
            await session.execute(GraphQLRequest(RENAME, variable_values=variables))
        assert refused.value.errors is not None
        assert refused.value.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
        with pytest.raises(TransportQueryError) as invalid:
            await session.execute(GraphQLRequest("{ package(slug: 1) { nope } }"))
        assert invalid.value.errors is not None
        assert invalid.value.errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"

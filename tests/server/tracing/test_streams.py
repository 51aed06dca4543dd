"""Operations that stream. A WebSocket operation has a span of its own (the connection has
no request span): it continues the trace of the upgrade request's `traceparent`; a
query's covers it to its answer, a subscription's its start. A subscription over SSE is
its request's span. The changes pushed later make no spans, over any transport."""

from __future__ import annotations

import httpx
import pytest
from opentelemetry.trace import SpanKind
from websockets.asyncio.client import connect

from tests.schema.mutations.conftest import gid
from tests.server.tracing.conftest import (
    attributes,
    descends_from,
    one,
    statements_of,
)
from tests.subscriptions.wsclient import LEGACY_WS, TRANSPORT_WS, GraphQLSocket

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"
TITLES = "query Titles { packages(first: 2) { nodes { title category { title } } } }"
WATCH = "subscription Watch { packageChanged(ids: [1]) { title } }"
RENAME = """mutation ($id: ID!, $v: Int!, $t: String!) {
  updatePackage(id: $id, expectedVersion: $v, input: {title: $t}) { version }
}"""


async def _socket(url: str, protocol: str) -> GraphQLSocket:
    connection = await connect(
        url,
        subprotocols=[protocol],  # type: ignore[list-item]
        additional_headers={"traceparent": TRACEPARENT},
    )
    socket = GraphQLSocket(connection)
    await socket.send({"type": "connection_init", "payload": {}})
    assert (await socket.receive())["type"] == "connection_ack"
    return socket


async def _rename(live, tokens, version: int, title: str) -> None:
    variables = {"id": gid("Package", 1), "v": version, "t": title}
    async with httpx.AsyncClient(timeout=10) as http:
        answer = await http.post(
            live.http_url,
            json={"query": RENAME, "variables": variables},
            headers={"Authorization": f"Bearer {tokens.write}"},
        )
    assert "errors" not in answer.json(), answer.json()


def _in_trace(found):
    return [s for s in found if format(s.context.trace_id, "032x") == TRACE_ID]


def _has_its_server_span(found) -> bool:
    return any(s.kind is SpanKind.SERVER for s in _in_trace(found))


async def test_a_query_over_a_websocket_is_a_span_with_its_executor_and_statements(
    catalogue, traced_live, spans, count_statements
):
    async with await _socket(traced_live.ws_url, TRANSPORT_WS) as socket:
        with count_statements() as log:
            operation = await socket.subscribe(TITLES)
            payload = await socket.next_payload()
            assert len(payload["data"]["packages"]["nodes"]) == 2
            assert await socket.receive() == {"id": operation, "type": "complete"}
    found = _in_trace(spans.finished())
    span = one(found, kind=SpanKind.SERVER)
    assert span.name == "query Titles"
    assert attributes(span)["graphql.operation.name"] == "Titles"
    assert attributes(span)["network.protocol.name"] == "websocket"
    assert span.parent is not None and span.parent.is_remote  # the upgrade's traceparent
    execute = one(found, name="execute")
    assert execute.parent is not None and execute.parent.span_id == span.context.span_id
    sql = statements_of(found)
    assert log.count >= 1 and len(sql) == log.count
    assert all(descends_from(statement, execute, found) for statement in sql)


async def test_a_refused_websocket_operation_records_its_code(catalogue, traced_live, spans):
    async with await _socket(traced_live.ws_url, TRANSPORT_WS) as socket:
        operation = await socket.subscribe("query Wrong { nope }")
        refused = await socket.receive()
        assert (refused["id"], refused["type"]) == (operation, "error")
    # The error goes out first, then the operation's stream closes and its span ends.
    found = await spans.once(_has_its_server_span)
    span = one(_in_trace(found), kind=SpanKind.SERVER)
    assert span.name == "GraphQL Operation"  # it never ran: its type is not taken as known
    assert attributes(span)["error.type"] == "GRAPHQL_VALIDATION_FAILED"


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_a_subscription_span_covers_its_start_and_no_push(
    catalogue, tokens, traced_live, spans, protocol
):
    async with await _socket(traced_live.ws_url, protocol) as socket:
        start = "subscribe" if protocol == TRANSPORT_WS else "start"
        await socket.send({"id": "1", "type": start, "payload": {"query": WATCH}})
        await traced_live.until_subscribed()
        await _rename(traced_live, tokens, 1, "first")
        pushed = "next" if protocol == TRANSPORT_WS else "data"
        first = await socket.receive()
        assert (first["type"], first["payload"]["data"]) == (
            pushed,
            {"packageChanged": {"title": "first"}},
        )
        started = _in_trace(spans.finished())
        await _rename(traced_live, tokens, 2, "second")
        assert (await socket.receive())["payload"]["data"]["packageChanged"]["title"] == "second"
        after_a_push = _in_trace(spans.finished())

    span = one(started, kind=SpanKind.SERVER)  # ended while the subscription runs
    assert span.name == "subscription Watch"
    assert attributes(span)["graphql.operation.type"] == "subscription"
    execute = one(started, name="execute")
    assert execute.parent is not None and execute.parent.span_id == span.context.span_id
    assert [s.context.span_id for s in after_a_push] == [s.context.span_id for s in started]


async def test_a_subscription_over_sse_is_its_request_span_and_its_pushes_make_none(
    catalogue, tokens, traced_live, spans, count_statements
):
    headers = {"accept": "text/event-stream", "traceparent": TRACEPARENT}
    async with (
        httpx.AsyncClient(timeout=10) as http,
        http.stream("POST", traced_live.http_url, json={"query": WATCH}, headers=headers) as stream,
    ):
        assert stream.status_code == 200
        body = stream.aiter_bytes()
        await traced_live.until_subscribed()
        with count_statements() as pushes:
            for version, title in ((1, "first"), (2, "second")):
                await _rename(traced_live, tokens, version, title)
                seen = b""
                while title.encode() not in seen:  # whatever the framing, the event is there
                    seen += await anext(body)
        assert pushes.count > 0  # the edits, and the pushes resolving their selection
    # The server sees the client gone, and the request (its span) ends.
    found = _in_trace(await spans.once(_has_its_server_span))
    request = one(found, kind=SpanKind.SERVER)
    assert request.name == "subscription Watch"
    execute = one(found, name="execute")
    assert execute.parent is not None and execute.parent.span_id == request.context.span_id
    assert statements_of(found) == []  # none of the pushes' statements is in its trace

"""Operations over plain HTTP: subscriptions over Server-Sent Events and multipart/mixed
(subscriptionSpec 1.0), read byte by byte against the framing, with heartbeats skipped;
and which answer (JSON or a stream) each `Accept` gets."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.schema.mutations.conftest import gid
from tests.subscriptions.conftest import live_server

SSE = "text/event-stream"
MULTIPART = "multipart/mixed;subscriptionSpec=1.0,application/json"
WATCH = "subscription { packageChanged(ids: [1]) { title repoWatchers } }"
UPDATE = """
mutation ($id: ID!, $v: Int!, $input: UpdatePackageInput!) {
  updatePackage(id: $id, expectedVersion: $v, input: $input) { version }
}"""
# What urql sends with queries and mutations, and with subscriptions.
URQL = (
    "application/graphql-response+json, application/graphql+json, application/json, "
    "text/event-stream, multipart/mixed"
)
URQL_SUBSCRIPTION = "text/event-stream, multipart/mixed"
PACKAGE = "query ($slug: String!) { package(slug: $slug) { title } }"
BUDGET = "{ rateLimit { cost limit used remaining } }"


class _Body:
    """The response body as bytes, pulled from the network only as far as a reader needs."""

    def __init__(self, response: httpx.Response) -> None:
        self._chunks: AsyncIterator[bytes] = response.aiter_bytes()
        self.buffer = b""

    async def at_least(self, size: int) -> None:
        while len(self.buffer) < size:
            await self._more()

    async def find(self, marker: bytes) -> int:
        while (at := self.buffer.find(marker)) < 0:
            await self._more()
        return at

    async def _more(self) -> None:
        try:
            self.buffer += await anext(self._chunks)
        except StopAsyncIteration:
            raise AssertionError(f"the stream ended; unread: {self.buffer!r}") from None


class SSEReader:
    """`event: <name>\\ndata: <json>\\n\\n` (LF only, as the graphql-sse protocol's server
    writes it; a CR anywhere fails); heartbeats are `: ping` comments."""

    def __init__(self, response: httpx.Response) -> None:
        self.body = _Body(response)
        self.heartbeats = 0
        self.block = ""  # the last event as sent

    async def event(self) -> tuple[str, str]:
        while True:
            end = await self.body.find(b"\n\n")
            assert b"\r" not in self.body.buffer[: end + 2], self.body.buffer
            block = self.body.buffer[:end].decode()
            self.body.buffer = self.body.buffer[end + 2 :]
            lines = block.split("\n")
            if all(line.startswith(":") for line in lines):
                assert lines == [": ping"], lines
                self.heartbeats += 1
                continue
            fields = dict(line.partition(":")[::2] for line in lines)
            assert set(fields) == {"event", "data"}, block
            self.block = block
            return fields["event"].removeprefix(" "), fields["data"].removeprefix(" ")

    async def next_payload(self) -> dict[str, Any]:
        name, data = await self.event()
        assert name == "next", (name, data)
        payload: dict[str, Any] = json.loads(data)
        return payload

    async def expect_end(self) -> None:
        assert await self.event() == ("complete", "")
        # As graphql-sse writes it: an empty `data:` line, so EventSource dispatches it.
        assert self.block == "event: complete\ndata:", self.block


class MultipartReader:
    """Strawberry's framing (strawberry/http/streaming.py): no opening delimiter; each
    part is `\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: n
    \r\n\r\n<json>\r\n--graphql`; the end is `\r\n--graphql--\r\n`. Each result is
    `{"payload": ...}`; heartbeats are `{}` (the first one at once)."""

    BOUNDARY = b"--graphql"
    END = b"\r\n--graphql--\r\n"

    def __init__(self, response: httpx.Response) -> None:
        self.body = _Body(response)
        self.heartbeats = 0

    async def part(self) -> dict[str, Any] | None:
        """The next part's JSON, or None at the closing delimiter."""
        body = self.body
        await body.at_least(len(self.END))
        if body.buffer.startswith(self.END):
            assert body.buffer == self.END, body.buffer
            return None
        assert body.buffer.startswith(b"\r\n"), body.buffer
        head_end = await body.find(b"\r\n\r\n")
        lines = body.buffer[2:head_end].decode().split("\r\n")
        headers = {k.lower(): v for k, v in (line.split(": ", 1) for line in lines)}
        assert headers["content-type"] == "application/json; charset=utf-8", headers
        start = head_end + 4
        end = start + int(headers["content-length"])
        await body.at_least(end + len(b"\r\n") + len(self.BOUNDARY))
        content = body.buffer[start:end]
        assert body.buffer[end:].startswith(b"\r\n" + self.BOUNDARY), body.buffer[end:]
        body.buffer = body.buffer[end + 2 + len(self.BOUNDARY) :]
        part: dict[str, Any] = json.loads(content)
        return part

    async def next_payload(self) -> dict[str, Any]:
        while True:
            part = await self.part()
            assert part is not None, "the stream ended"
            if part == {}:
                self.heartbeats += 1
                continue
            assert set(part) == {"payload"}, part
            payload: dict[str, Any] = part["payload"]
            return payload

    async def expect_end(self) -> None:
        while (part := await self.part()) == {}:
            self.heartbeats += 1
        assert part is None, part


Reader = SSEReader | MultipartReader
TRANSPORTS = pytest.mark.parametrize(
    ("accept", "reader", "content_type"),
    [
        (SSE, SSEReader, "text/event-stream"),
        (
            MULTIPART,
            MultipartReader,
            "multipart/mixed;boundary=graphql;subscriptionSpec=1.0,application/json",
        ),
    ],
    ids=["sse", "multipart"],
)


async def _until_inboxes(live, count: int, seconds: float = 5.0) -> None:
    """Wait until the server holds exactly `count` subscriptions."""
    hub = live.app.state.hub
    async with asyncio.timeout(seconds):
        while hub.subscriptions != count:
            await asyncio.sleep(0.01)


async def _update(live, tokens, version: int, **fields: Any) -> None:
    variables = {"id": gid("Package", 1), "v": version, "input": fields}
    await live.mutate(UPDATE, variables, token=tokens.write)


@TRANSPORTS
async def test_a_changed_selected_field_is_streamed(
    catalogue, live, tokens, accept, reader, content_type
):
    async with (
        httpx.AsyncClient(timeout=10) as http,
        http.stream(
            "POST", live.http_url, json={"query": WATCH}, headers={"Accept": accept}
        ) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"] == content_type
        stream: Reader = reader(response)
        await _until_inboxes(live, 1)
        await _update(live, tokens, 1, repoDescription="not selected")  # nothing to send
        await _update(live, tokens, 2, title="Over HTTP")
        async with asyncio.timeout(5):
            payload = await stream.next_payload()
        assert payload["data"] == {"packageChanged": {"title": "Over HTTP", "repoWatchers": 10}}
        assert payload["extensions"]["eventId"]
        await _update(live, tokens, 3, repoWatchers=11)
        async with asyncio.timeout(5):
            payload = await stream.next_payload()
        assert payload["data"]["packageChanged"]["repoWatchers"] == 11
    # The client hung up: the server's subscription ends and leaves the hub.
    await _until_inboxes(live, 0)


async def test_multipart_starts_with_a_heartbeat(catalogue, live):
    async with (
        httpx.AsyncClient(timeout=10) as http,
        http.stream(
            "POST", live.http_url, json={"query": WATCH}, headers={"Accept": MULTIPART}
        ) as response,
    ):
        stream = MultipartReader(response)
        async with asyncio.timeout(5):
            assert await stream.part() == {}


@TRANSPORTS
async def test_a_refused_subscription_reports_its_error_and_ends(
    catalogue, live, accept, reader, content_type
):
    query = 'subscription { packageChanged(categorySlug: "nope") { title } }'
    async with (
        httpx.AsyncClient(timeout=10) as http,
        http.stream(
            "POST", live.http_url, json={"query": query}, headers={"Accept": accept}
        ) as response,
    ):
        assert response.status_code == 200
        stream: Reader = reader(response)
        async with asyncio.timeout(5):
            payload = await stream.next_payload()
            assert payload["data"] is None
            assert payload["errors"][0]["extensions"]["code"] == "NOT_FOUND"
            await stream.expect_end()
    await _until_inboxes(live, 0)


@TRANSPORTS
async def test_streams_count_in_the_per_client_cap(catalogue, live, accept, reader, content_type):
    """Issue 14: 1,000 SSE and multipart subscriptions from one address were accepted; they
    now count with WebSockets (MAX_CONNECTIONS_PER_CLIENT, 5 here)."""
    limiter = live.app.state.graphql.limiter
    async with contextlib.AsyncExitStack() as streams:
        http = await streams.enter_async_context(httpx.AsyncClient(timeout=10))
        opened = []
        for _ in range(5):
            response = await streams.enter_async_context(
                http.stream(
                    "POST", live.http_url, json={"query": WATCH}, headers={"Accept": accept}
                )
            )
            assert response.status_code == 200
            opened.append(response)
        await _until_inboxes(live, 5)
        refused = await http.post(live.http_url, json={"query": WATCH}, headers={"Accept": accept})
        assert refused.status_code == 429
        assert refused.json()["errors"][0]["extensions"]["code"] == "TOO_MANY_CONNECTIONS"
        # Only what streams counts: urql's queries list a stream type, and are answered.
        for method in ("GET", "POST"):
            query = {"query": "{ __typename }"}
            if method == "GET":
                answered = await http.get(live.http_url, params=query, headers={"Accept": URQL})
            else:
                answered = await http.post(live.http_url, json=query, headers={"Accept": URQL})
            assert answered.json() == {"data": {"__typename": "Query"}}, method
        assert sum(len(t) for t in limiter.tickets.values()) == 5
        await opened[0].aclose()  # one client hangs up: its place comes back
        async with asyncio.timeout(5):
            while sum(len(t) for t in limiter.tickets.values()) != 4:
                await asyncio.sleep(0.01)
    await _until_inboxes(live, 0)
    assert not limiter.tickets


# Content negotiation (issue 23): a query or mutation is one JSON answer unless the client
# clearly prefers a stream; subscriptions stream.


def _budget(response: httpx.Response) -> dict[str, int]:
    """The X-RateLimit-* headers, by name."""
    names = ("limit", "used", "remaining", "reset")
    return {name: int(response.headers[f"x-ratelimit-{name}"]) for name in names}


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("token", [False, True], ids=["anonymous", "token"])
async def test_urql_gets_one_json_answer_for_a_query_and_a_mutation(
    catalogue, live, tokens, method, token
):
    """urql's Accept lists text/event-stream after the JSON types, with every query (GET)
    and mutation: it was answered as a stream it could not read ("No Content")."""
    headers = {"Accept": URQL}
    if token:
        headers["Authorization"] = f"Bearer {tokens.write}"
    variables = {"slug": "package-1"}
    async with httpx.AsyncClient(timeout=10) as http:
        if method == "GET":
            params = {"query": PACKAGE, "variables": json.dumps(variables)}
            response = await http.get(live.http_url, params=params, headers=headers)
        else:
            body = {"query": PACKAGE, "variables": variables}
            response = await http.post(live.http_url, json=body, headers=headers)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/graphql-response+json"
        assert response.json() == {"data": {"package": {"title": "package 1"}}}
        assert _budget(response)["used"] >= 1
        if method == "GET" and not token:
            assert response.headers["cache-control"].startswith("public")

        budget = await http.post(live.http_url, json={"query": BUDGET}, headers=headers)
        assert budget.headers["content-type"] == "application/graphql-response+json"
        assert budget.json()["data"]["rateLimit"]["used"] == _budget(budget)["used"]

        if token:
            mutation = {
                "query": UPDATE,
                "variables": {"id": gid("Package", 1), "v": 1, "input": {"title": "urql"}},
            }
            changed = await http.post(live.http_url, json=mutation, headers=headers)
            assert changed.headers["content-type"] == "application/graphql-response+json"
            assert changed.json() == {"data": {"updatePackage": {"version": 2}}}


@pytest.mark.parametrize(
    "accept",
    [SSE, URQL_SUBSCRIPTION, "application/json;q=0.5, text/event-stream"],
    ids=["graphql-sse", "urql-subscription", "weighted"],
)
async def test_a_client_that_prefers_a_stream_gets_a_query_as_one_event(catalogue, live, accept):
    """graphql-sse sends every operation with `Accept: text/event-stream`: a query is one
    `next` event, then `complete`, with the budget in the head and in `rateLimit`."""
    query = "query ($slug: String!) { package(slug: $slug) { title } rateLimit { cost used } }"
    body = {"query": query, "variables": {"slug": "package-2"}}
    async with (
        httpx.AsyncClient(timeout=10) as http,
        http.stream("POST", live.http_url, json=body, headers={"Accept": accept}) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/event-stream"
        stream = SSEReader(response)
        async with asyncio.timeout(5):
            payload = await stream.next_payload()
            await stream.expect_end()
    assert payload["data"]["package"] == {"title": "package 2"}
    # The stream's operation is charged before its head is sent: both say so.
    assert payload["data"]["rateLimit"] == {"cost": 1, "used": _budget(response)["used"]}


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_urql_query_headers_still_stream_a_subscription(catalogue, live, tokens, method):
    """The same Accept with a subscription: JSON cannot carry it, the stream it lists can."""
    async with httpx.AsyncClient(timeout=10) as http:
        if method == "GET":
            request = http.stream(
                "GET", live.http_url, params={"query": WATCH}, headers={"Accept": URQL}
            )
        else:
            request = http.stream(
                "POST", live.http_url, json={"query": WATCH}, headers={"Accept": URQL}
            )
        async with request as response:
            assert response.status_code == 200
            assert response.headers["content-type"] == "text/event-stream"
            assert _budget(response)["used"] >= 1
            stream = SSEReader(response)
            await _until_inboxes(live, 1)
            await _update(live, tokens, 1, title="to urql")
            async with asyncio.timeout(5):
                payload = await stream.next_payload()
            assert payload["data"]["packageChanged"]["title"] == "to urql"
    await _until_inboxes(live, 0)


@pytest.mark.parametrize(
    "accept", ["application/json, text/event-stream;q=0", "*/*", "application/json"]
)
async def test_a_subscription_without_an_acceptable_stream_is_refused(catalogue, live, accept):
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.post(live.http_url, json={"query": WATCH}, headers={"Accept": accept})
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "text/event-stream" in error["message"]


@TRANSPORTS
async def test_a_stream_spends_points_and_says_so_in_its_head(
    db, catalogue, live_settings, accept, reader, content_type
):
    """A stream's head carries X-RateLimit-* like every answer; one that does not fit is
    refused inside the stream (the graphql-sse protocol reports refusals as events, and an
    EventSource drops a non-200 answer unread), with Retry-After in the head."""
    settings = live_settings.model_copy(update={"rate_limit_points": 2})
    async with (
        live_server(db, settings) as live,
        httpx.AsyncClient(timeout=10) as http,
    ):
        for used in (1, 2):
            async with http.stream(
                "POST", live.http_url, json={"query": WATCH}, headers={"Accept": accept}
            ) as response:
                assert response.status_code == 200
                assert response.headers["content-type"] == content_type
                budget = _budget(response)
                assert (budget["limit"], budget["used"], budget["remaining"]) == (2, used, 2 - used)
                assert "retry-after" not in response.headers
        async with http.stream(
            "POST", live.http_url, json={"query": WATCH}, headers={"Accept": accept}
        ) as refused:
            assert refused.status_code == 200
            assert (_budget(refused)["used"], _budget(refused)["remaining"]) == (2, 0)
            assert int(refused.headers["retry-after"]) >= 1
            stream: Reader = reader(refused)
            async with asyncio.timeout(5):
                payload = await stream.next_payload()
                [error] = payload["errors"]
                assert error["extensions"]["code"] == "RATE_LIMITED"
                await stream.expect_end()

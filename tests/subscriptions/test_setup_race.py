"""A change committed while a subscription is being set up reaches it (issue 22).

A subscription's place in the event stream is fixed when its `subscribe` arrives; set-up
(the document checked, the arguments read, a shared stream joined) may take seconds
under load. Each test holds set-up where the subscription's arguments are read, commits
a change, waits until this process's listener has handed the event out, then lets
set-up finish: the change must be pushed, although the subscription's first read
already shows it. On the embedded broker and (with REDIS_URL) on Redis; over
graphql-transport-ws (shared streams and solo), the legacy graphql-ws, SSE, multipart
and webhooks.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

import schema.subscriptions.packages as package_subscriptions
from core.db import Database
from core.settings import Settings
from tests.schema.mutations.conftest import Tokens, gid
from tests.subscriptions.conftest import LiveServer, live_server
from tests.subscriptions.test_http_transports import MULTIPART, SSE, MultipartReader, SSEReader
from tests.subscriptions.wsclient import LEGACY_WS, GraphQLSocket
from tests.webhooks.conftest import create_webhook, settled_status
from tests.webhooks.receiver import Receiver, running_receiver

REDIS_URL = os.environ.get("REDIS_URL")
WATCH = "subscription { packageChanged(ids: [1]) { title } }"
WATCH_BY_SLUG = "subscription ($s: [String!]) { packageChanged(slugs: $s) { slug title } }"
RENAME = """
mutation ($id: ID!, $v: Int!, $t: String!) {
  updatePackage(id: $id, expectedVersion: $v, input: {title: $t}) { version }
}"""


@dataclass
class Gate:
    """Holds the next `holds` subscriptions where they read their arguments."""

    holds: int = 1
    entered: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)
    # Which set-ups it holds, by their `info` (None: any).
    only: Callable[[Any], bool] | None = None

    async def pass_through(self, info: Any) -> None:
        if self.holds <= 0 or (self.only is not None and not self.only(info)):
            return
        self.holds -= 1
        self.entered.set()
        await self.released.wait()


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Gate:
    held = Gate()
    original = package_subscriptions.package_target

    async def held_target(info: Any, *args: Any) -> Any:
        await held.pass_through(info)
        return await original(info, *args)

    monkeypatch.setattr(package_subscriptions, "package_target", held_target)
    return held


@pytest.fixture(params=["memory", "redis"])
def broker_settings(request: pytest.FixtureRequest, live_settings: Settings) -> Settings:
    if request.param == "memory":
        return live_settings
    if not REDIS_URL:
        pytest.skip("needs REDIS_URL (a Redis server)")
    return live_settings.model_copy(
        update={"redis_url": REDIS_URL, "redis_prefix": f"test-{uuid.uuid4().hex[:8]}"}
    )


@pytest.fixture
async def server(
    db: Database, catalogue: Database, broker_settings: Settings
) -> AsyncIterator[LiveServer]:
    async with live_server(db, broker_settings) as live:
        yield live


async def _changed_while_held(
    live: LiveServer, gate: Gate, tokens: Tokens, title: str, *, release: bool = True
) -> None:
    """Set-up is held: commit a rename of package 1, wait for this process's listener to
    hand its event out, then (`release`) let set-up go on."""
    await asyncio.wait_for(gate.entered.wait(), 10)
    hub = live.app.state.hub
    before = hub.mark()
    await _rename(live, tokens, title)
    await _until(lambda: hub.mark().count > before.count, "the event to reach the listener")
    if release:
        gate.released.set()


async def _rename(live: LiveServer, tokens: Tokens, title: str) -> None:
    answer = await live.answer("{ package(id: 1) { version } }", token=tokens.write)
    version = answer["data"]["package"]["version"]
    variables = {"id": gid("Package", 1), "v": version, "t": title}
    await live.mutate(RENAME, variables, token=tokens.write)


async def _until(condition: Callable[[], bool], what: str) -> None:
    for _ in range(2000):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"waited in vain for {what}")


@pytest.mark.parametrize("shared", [True, False], ids=["shared-stream", "own-stream"])
async def test_graphql_transport_ws(
    server: LiveServer, gate: Gate, tokens: Tokens, shared: bool
) -> None:
    if not shared:
        server.app.state.graphql.subscription_groups = None
    async with await GraphQLSocket.open(server.ws_url) as socket:
        operation = await socket.subscribe(WATCH)
        await _changed_while_held(server, gate, tokens, "During set-up")
        message = await socket.receive()
        assert message["id"] == operation
        assert message["payload"]["data"] == {"packageChanged": {"title": "During set-up"}}
        assert message["payload"]["extensions"]["eventId"]
        # Then the subscription goes on as usual: the next change, and no repeat.
        await _rename(server, tokens, "After set-up")
        after = await socket.next_payload()
        assert after["data"] == {"packageChanged": {"title": "After set-up"}}
        await socket.expect_silence(0.2)


async def test_joining_a_shared_stream_that_already_sent_the_change(
    server: LiveServer, gate: Gate, tokens: Tokens
) -> None:
    """The first subscriber's shared stream pushes the change while the second one (same
    document) is held: joining that stream now would skip it, so it is sent anyway."""
    groups = server.app.state.graphql.subscription_groups
    hub = server.app.state.hub
    gate.holds = 0  # the first subscriber is not held
    async with (
        await GraphQLSocket.open(server.ws_url) as first,
        await GraphQLSocket.open(server.ws_url) as second,
    ):
        await first.subscribe(WATCH)
        await _until(lambda: hub.subscriptions == 1, "the first subscriber")
        gate.holds = 1
        await second.subscribe(WATCH)
        await _changed_while_held(server, gate, tokens, "Seen by the first", release=False)
        assert (await first.next_payload())["data"] == {
            "packageChanged": {"title": "Seen by the first"}
        }
        gate.released.set()  # the shared stream has sent the change: now the second joins
        assert (await second.next_payload())["data"] == {
            "packageChanged": {"title": "Seen by the first"}
        }
        assert len(groups) == 1  # the second one has a stream of its own
        await _rename(server, tokens, "Seen by both")
        for socket in (first, second):
            assert (await socket.next_payload())["data"] == {
                "packageChanged": {"title": "Seen by both"}
            }


async def test_legacy_graphql_ws(server: LiveServer, gate: Gate, tokens: Tokens) -> None:
    async with await GraphQLSocket.open(server.ws_url, protocol=LEGACY_WS, init=False) as socket:
        await socket.send({"type": "connection_init", "payload": {}})
        assert (await socket.receive())["type"] == "connection_ack"
        await socket.send({"id": "1", "type": "start", "payload": {"query": WATCH}})
        await _changed_while_held(server, gate, tokens, "During set-up")
        message = await socket.receive()
        assert message["type"] == "data"
        assert message["payload"]["data"] == {"packageChanged": {"title": "During set-up"}}


@pytest.mark.parametrize(
    ("accept", "reader"), [(SSE, SSEReader), (MULTIPART, MultipartReader)], ids=["sse", "multipart"]
)
async def test_http_streams(
    server: LiveServer, gate: Gate, tokens: Tokens, accept: str, reader: Any
) -> None:
    async with (
        httpx.AsyncClient(timeout=10) as http,
        http.stream(
            "POST", server.http_url, json={"query": WATCH}, headers={"accept": accept}
        ) as response,
    ):
        stream = reader(response)
        # The stream answers once its first read is done: the change happens before.
        await _changed_while_held(server, gate, tokens, "During set-up")
        async with asyncio.timeout(5):  # heartbeats would keep a plain read waiting forever
            payload = await stream.next_payload()
        assert payload["data"] == {"packageChanged": {"title": "During set-up"}}


async def test_webhooks(
    db: Database, catalogue: Database, broker_settings: Settings, gate: Gate, tokens: Tokens
) -> None:
    """A webhook starts after the stream's newest event when it is created; its follower
    starts a moment later (in whichever process holds it) and must still send a change
    made in between."""
    settings = broker_settings.model_copy(
        update={"webhook_allow_private_targets": True, "webhook_poll_seconds": 0.05}
    )
    # Only the follower's set-up is held (its first step: its admission to its cohort, or
    # its own stream): before it, the document is checked when the webhook is created, in
    # a stream without a request too.
    set_ups: list[Any] = []

    def follower(info: Any) -> bool:
        if info.context.request is not None:
            return False
        set_ups.append(info)
        return len(set_ups) > 1

    gate.only = follower
    receiver: Receiver
    async with running_receiver() as receiver, live_server(db, settings) as live:
        created = await create_webhook(live, tokens, receiver.url, slugs=("package-1",))
        await _changed_while_held(live, gate, tokens, "During set-up")
        [delivery] = await receiver.wait_accepted(1)
        assert b'"title":"During set-up"' in delivery.body
        webhook_id = created["webhook"]["id"]
        status = await settled_status(
            live, tokens, webhook_id, lambda s: s["pendingDeliveries"] == 0
        )
        assert status["lastDelivery"]["status"] == "DELIVERED"


async def test_a_change_after_the_subscribe_among_many(
    server: LiveServer, gate: Gate, tokens: Tokens
) -> None:
    """Several subscriptions held at once, each with its own packages (the issue's
    scenario in small): every one gets its change."""
    gate.holds = 3
    sockets = [await GraphQLSocket.open(server.ws_url) for _ in range(3)]
    try:
        for index, socket in enumerate(sockets):
            await socket.subscribe(WATCH_BY_SLUG, {"s": [f"package-{index + 1}", "package-1"]})
        await _until(lambda: gate.holds == 0, "every subscription held")
        await _changed_while_held(server, gate, tokens, "Everyone's")
        for socket in sockets:
            payload = await socket.next_payload()
            assert payload["data"]["packageChanged"] == {"slug": "package-1", "title": "Everyone's"}
    finally:
        await asyncio.gather(*(socket.close() for socket in sockets))

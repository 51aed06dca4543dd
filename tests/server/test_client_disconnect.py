"""A client that disconnects before its answer cancels the work (issue 14): before, a
slow query ran to the end for nobody."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import orjson
import pytest
from starlette.types import Message

import schema.query
from core.db import Database
from core.settings import Settings
from fastpath import statements
from server.app import create_app
from tests.subscriptions.conftest import start_live_server


class Stuck:
    """Work that never ends by itself: says when it starts and when it is cancelled."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.cancelled = asyncio.Event()

    async def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled.set()
            raise


COMPILED = "{ packages { nodes { slug } } }"
REFERENCE = '{ search(query: "x") { __typename } }'


def _stick(monkeypatch: pytest.MonkeyPatch, query: str) -> Stuck:
    stuck = Stuck()
    if query == COMPILED:
        monkeypatch.setattr(statements, "fetch", stuck)
    else:
        monkeypatch.setattr(schema.query, "search", stuck)
    return stuck


@pytest.mark.parametrize("query", [COMPILED, REFERENCE], ids=["compiled", "reference"])
async def test_a_real_disconnect_cancels_the_work(
    db: Database, settings: Settings, monkeypatch, query
):
    stuck = _stick(monkeypatch, query)
    # No deadline: only the disconnect can stop the work.
    live, task = await start_live_server(
        db, settings.model_copy(update={"request_timeout_seconds": 0})
    )
    try:
        host, port = live.http_url.split("//")[1].split("/")[0].split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        body = orjson.dumps({"query": query})
        writer.write(
            b"POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
            + f"content-length: {len(body)}\r\n\r\n".encode()
            + body
        )
        await writer.drain()
        await asyncio.wait_for(stuck.started.wait(), 10)
        writer.close()  # the client gives up
        await asyncio.wait_for(stuck.cancelled.wait(), 10)
        # The server goes on answering others.
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n")
        assert (await asyncio.wait_for(reader.readline(), 10)).startswith(b"HTTP/1.1 200")
        writer.close()
    finally:
        live.server.should_exit = True
        await asyncio.wait_for(task, 10)


async def test_the_log_says_499_and_nothing_is_sent(
    db: Database, settings: Settings, monkeypatch, caplog
):
    stuck = _stick(monkeypatch, REFERENCE)
    app = create_app(settings, db=db)
    gone = asyncio.Event()
    body = orjson.dumps({"query": REFERENCE})
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        if pending:
            return pending.pop()
        await gone.wait()
        return {"type": "http.disconnect"}

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), (b"host", b"x")],
        "client": ("10.0.0.9", 5000),
        "server": ("x", 80),
    }
    caplog.set_level(logging.INFO, logger="dpgraph.access")
    call = asyncio.create_task(app(scope, receive, send))
    await asyncio.wait_for(stuck.started.wait(), 10)
    gone.set()
    await asyncio.wait_for(call, 10)
    assert stuck.cancelled.is_set()
    assert sent == []
    [line] = [r for r in caplog.records if r.name == "dpgraph.access"]
    assert line.fields["status"] == 499
    assert app.state.graphql.in_flight.running == {}  # the request's place is given back

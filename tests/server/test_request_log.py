"""Every HTTP answer carries a request id, found again in its log line and in a masked
error; the line holds the operation and its cost, never a header (issue 14)."""

from __future__ import annotations

import io
import logging
import re

import orjson

from loaders import batch
from server.observability.request_log import ACCESS, JsonFormatter

QUERY = {"query": "query Pick { packages(first: 2) { nodes { slug } } }", "operationName": "Pick"}


async def test_an_id_is_made_or_taken_and_sent_back(demo, client):
    made = await client.post("/graphql", json=QUERY)
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])
    given = await client.post("/graphql", json=QUERY, headers={"X-Request-ID": "abc-123.x_y"})
    assert given.headers["x-request-id"] == "abc-123.x_y"
    odd = await client.post("/graphql", json=QUERY, headers={"X-Request-ID": "a b" + "x" * 99})
    assert re.fullmatch(r"[0-9a-f]{32}", odd.headers["x-request-id"])


async def test_each_request_is_one_json_line(demo, client):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    level = ACCESS.level
    ACCESS.addHandler(handler)
    ACCESS.setLevel(logging.INFO)
    secret = "dpg_000000000000_supersecretvalue"
    try:
        await client.post("/graphql", json=QUERY, headers={"X-Request-ID": "trace-1"})
        await client.post("/graphql", json=QUERY, headers={"Authorization": f"Bearer {secret}"})
    finally:
        ACCESS.removeHandler(handler)
        ACCESS.setLevel(level)
    text = stream.getvalue()
    assert secret not in text
    first, second = (orjson.loads(line) for line in text.splitlines())
    assert first["requestId"] == "trace-1" and first["logger"] == "dpgraph.access"
    assert first["status"] == 200 and first["path"] == "/graphql" and first["method"] == "POST"
    assert first["operation"] == "Pick" and first["cost"] == 3
    assert isinstance(first["durationMs"], float)
    assert second["status"] == 401


async def test_a_masked_error_names_its_request(demo, client, reference_executor, monkeypatch):
    async def explode(session, keys):
        raise RuntimeError("password=hunter2 in a stack trace")

    monkeypatch.setattr(batch, "categories_by_id", explode)
    response = await client.post(
        "/graphql", json={"query": "{ package(id: 631) { title category { title } } }"}
    )
    [error] = response.json()["errors"]
    assert error["extensions"] == {
        "code": "INTERNAL_SERVER_ERROR",
        "requestId": response.headers["x-request-id"],
    }


def test_access_lines_are_written_in_json_mode_only():
    from server.observability.request_log import configure_logs

    dpgraph = logging.getLogger("dpgraph")
    saved = (dpgraph.handlers[:], dpgraph.level, dpgraph.propagate, ACCESS.level)
    try:
        configure_logs("text", "info")
        assert not ACCESS.isEnabledFor(logging.INFO)  # uvicorn's access log has the line
        configure_logs("json", "info")
        assert ACCESS.isEnabledFor(logging.INFO)
        assert isinstance(dpgraph.handlers[0].formatter, JsonFormatter)
        configure_logs("json", "warning")
        assert not ACCESS.isEnabledFor(logging.INFO)
    finally:
        dpgraph.handlers, dpgraph.level, dpgraph.propagate = saved[0], saved[1], saved[2]
        ACCESS.setLevel(saved[3])

"""Subscriptions over HTTP (SSE, multipart), and gridChanged over WebSocket."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from tests.schema.mutations.conftest import gid
from tests.subscriptions.test_protocols import _rename, _until_subscribed
from tests.subscriptions.wsclient import GraphQLSocket

WATCH = "subscription { packageChanged(ids: [1]) { title } }"


def _sse_data(text: str) -> list[dict[str, Any]]:
    events = []
    for block in text.split("\r\n\r\n"):
        lines = block.split("\r\n")
        if "event: next" in lines:
            data = next(line for line in lines if line.startswith("data: "))
            events.append(json.loads(data.removeprefix("data: ")))
    return events


def _multipart_data(text: str) -> list[dict[str, Any]]:
    parts = []
    for chunk in text.split("\r\n\r\n"):
        body = chunk.split("\r\n--")[0].strip()
        if body.startswith("{"):
            parsed = json.loads(body)
            if parsed.get("payload"):
                parts.append(parsed["payload"])
    return parts


@pytest.mark.parametrize(
    ("accept", "parse"),
    [
        ("text/event-stream", _sse_data),
        ("multipart/mixed;subscriptionSpec=1.0,application/json", _multipart_data),
    ],
    ids=["sse", "multipart"],
)
async def test_subscriptions_over_http(catalogue, live, tokens, accept, parse):
    async with (
        httpx.AsyncClient(timeout=10) as http,
        http.stream(
            "POST", live.http_url, json={"query": WATCH}, headers={"Accept": accept}
        ) as response,
    ):
        assert response.status_code == 200
        await _until_subscribed(live)
        await _rename(live, tokens, 1, "over http")
        received = ""
        async with asyncio.timeout(5):
            async for chunk in response.aiter_text():
                received += chunk
                payloads = parse(received)
                if payloads:
                    break
        assert payloads[0]["data"] == {"packageChanged": {"title": "over http"}}
        assert payloads[0]["extensions"]["eventId"]


async def _features_of(live, grid: int) -> list[int]:
    async with httpx.AsyncClient() as http:
        answer = await http.post(
            live.http_url, json={"query": f"{{ grid(id: {grid}) {{ features {{ id }} }} }}"}
        )
    return [int(feature["id"]) for feature in answer.json()["data"]["grid"]["features"]]


async def test_grid_changed(catalogue, live, tokens):
    async with (
        await GraphQLSocket.open(live.ws_url) as members,
        await GraphQLSocket.open(live.ws_url) as features,
        await GraphQLSocket.open(live.ws_url) as cells,
    ):
        await members.subscribe(
            'subscription { gridChanged(slugs: ["grid-1"]) { packages { totalCount } } }'
        )
        await features.subscribe(
            'subscription { gridChanged(slugs: ["grid-1"]) { features { title } } }'
        )
        await cells.subscribe(
            'subscription { gridChanged(slugs: ["grid-1"]) '
            "{ comparison { rows { cells { text } } } } }"
        )
        await _until_subscribed(live, 3)
        feature = (await _features_of(live, 1))[0]
        await live.mutate(
            "mutation ($g: ID!, $p: ID!, $f: Int!) { setElement(gridId: $g, packageId: $p, "
            'featureId: $f, text: "yes") { text } }',
            {"g": gid("Grid", 1), "p": gid("Package", 2), "f": feature},
            token=tokens.write,
        )
        rows = (await cells.next_payload())["data"]["gridChanged"]["comparison"]["rows"]
        assert rows[1]["cells"][0] == {"text": "yes"}
        await live.mutate(
            'mutation ($g: ID!) { createFeature(gridId: $g, input: {title: "Async"}) { id } }',
            {"g": gid("Grid", 1)},
            token=tokens.write,
        )
        titles = (await features.next_payload())["data"]["gridChanged"]["features"]
        assert titles[-1] == {"title": "Async"}
        await live.mutate(
            "mutation ($g: ID!, $p: ID!) { removePackageFromGrid(gridId: $g, packageId: $p) "
            "{ version } }",
            {"g": gid("Grid", 1), "p": gid("Package", 1)},
            token=tokens.write,
        )
        assert (await members.next_payload())["data"] == {
            "gridChanged": {"packages": {"totalCount": 2}}
        }
        await live.mutate(
            'mutation ($g: ID!) { createFeature(gridId: $g, input: {title: "Elsewhere"}) { id } }',
            {"g": gid("Grid", 2)},
            token=tokens.write,
        )
        await members.expect_silence(0.3)  # another grid, and not its packages
        await features.expect_silence(0.1)

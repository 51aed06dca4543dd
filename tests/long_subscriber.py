"""One subscriber receiving many results from a real server process, its RSS sampled.

Shared by the memory test (tests/server/test_memory.py) and `benchmarks/memory.py`: each
result is caused by one mutation, sent once the previous result has arrived, so every
change is one delivery and one result (none folded together).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.subscriptions.wsclient import GraphQLSocket

SUBSCRIBE = """
subscription ($slug: String!) {
  packageChanged(categorySlug: $slug) {
    title repoWatchers category { title }
  }
}"""
RENAME = """
mutation ($id: ID!, $v: Int!, $t: String!) {
  updateCategory(id: $id, expectedVersion: $v, input: {title: $t}) { version }
}"""
# The synthetic categories, and how many packages each holds.
CATEGORIES = "query { categories(first: 10) { nodes { id slug version } } }"
COUNT = "query ($slug: String!) { category(slug: $slug) { packages(first: 100) { totalCount } } }"

# The settings a long run needs: no rate limit on the writer, a synthetic catalogue of
# 40 packages in four categories (about ten packages each).
ENV = {"RATE_LIMIT_TOKEN_POINTS": "0", "RATE_LIMIT_POINTS": "0", "DEMO_SYNTHETIC_PACKAGES": "40"}


def rss_mb(pid: int) -> float:
    """Resident set size of a process, in MB (from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for {pid}")


def write_token(workdir: Path, env: dict[str, str]) -> str:
    """An admin token (categories are edited by admins), made with the CLI."""
    done = subprocess.run(
        [sys.executable, "-m", "server", "token", "create", "--name", "memory", "--scope", "admin"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


@asynccontextmanager
async def _websocket(url: str, package: str) -> AsyncIterator[Callable[[], Awaitable[str]]]:
    ws_url = url.replace("http://", "ws://") + "/graphql"
    async with await GraphQLSocket.open(ws_url) as ws:
        await ws.subscribe(SUBSCRIBE, {"slug": package})

        async def next_title() -> str:
            payload = await ws.next_payload(timeout=10)
            return str(payload["data"]["packageChanged"]["category"]["title"])

        yield next_title


@asynccontextmanager
async def _sse(url: str, package: str) -> AsyncIterator[Callable[[], Awaitable[str]]]:
    async with (
        httpx.AsyncClient(timeout=10) as http,
        http.stream(
            "POST",
            f"{url}/graphql",
            json={"query": SUBSCRIBE, "variables": {"slug": package}},
            headers={"Accept": "text/event-stream"},
        ) as response,
    ):
        assert response.status_code == 200, response.status_code
        lines = response.aiter_lines()

        async def next_title() -> str:
            async for line in lines:
                if line.startswith("data: "):
                    body = json.loads(line[6:])
                    return str(body["data"]["packageChanged"]["category"]["title"])
            raise AssertionError("the stream ended")

        yield next_title


TRANSPORTS = {"websocket": _websocket, "sse": _sse}


async def _category(http: httpx.AsyncClient, url: str) -> tuple[dict[str, Any], int]:
    """The synthetic category with the most packages, and their number."""
    answer = (await http.post(f"{url}/graphql", json={"query": CATEGORIES})).json()
    sizes = []
    for category in answer["data"]["categories"]["nodes"]:
        if category["slug"].startswith("synthetic-"):
            count = {"query": COUNT, "variables": {"slug": category["slug"]}}
            total = (await http.post(f"{url}/graphql", json=count)).json()
            sizes.append((total["data"]["category"]["packages"]["totalCount"], category))
    size, category = max(sizes, key=lambda pair: pair[0])
    return category, size


async def follow(
    url: str, *, pid: int, token: str, transport: str, results: int, every: int
) -> list[tuple[int, float]]:
    """Receive at least `results` results; RSS (MB) after the first and every `every`.

    Each rename of the category is one event and one result per package in it.
    """
    samples: list[tuple[int, float]] = []
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(timeout=10, headers=headers) as http:
        category, size = await _category(http, url)
        version = int(category["version"])
        async with TRANSPORTS[transport](url, category["slug"]) as next_title:
            received = 0
            for rename in range(1, results + 1):
                title = f"{transport} {rename}"
                variables = {"id": category["id"], "v": version, "t": title}
                sent = await http.post(
                    f"{url}/graphql", json={"query": RENAME, "variables": variables}
                )
                answer = sent.json()
                assert "errors" not in answer, answer
                version = int(answer["data"]["updateCategory"]["version"])
                for _ in range(size):
                    assert await next_title() == title
                    received += 1
                    if received == 1 or received % every == 0:
                        samples.append((received, rss_mb(pid)))
                if received >= results:
                    return samples
    return samples

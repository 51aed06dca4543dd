"""A small fake Django Packages API v4 built from the seed documents, for httpx.MockTransport.

Lists page with `limit`/`offset` like DRF's LimitOffsetPagination; faults queued for
one URL (a 429, a 500, a network error) are served before the real answer.
"""

from __future__ import annotations

import asyncio
import copy
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import httpx

from importer.documents import read_document
from importer.pacing import TimeSource
from tests.conftest import SEEDS_DIR

HOST = "api.test"
BASE = f"https://{HOST}/api/v4/"
PUBLIC = "https://djangopackages.org/api/v4/"  # what the seeds' own links point at
NETWORK_ERROR = "network error"
Fault = httpx.Response | str


def seed_packages() -> list[dict[str, Any]]:
    return [read_document(path) for path in sorted(SEEDS_DIR.glob("*.txt"))]


def _grid_refs(package: dict[str, Any]) -> list[int]:
    return [
        int(url.rstrip("/").split("?")[0].rstrip("/").rsplit("/", 1)[-1])
        for url in package["grids"]
    ]


def category(number: int, title: str) -> dict[str, Any]:
    return {
        "id": number,
        "title": title,
        "slug": f"{title.lower()}s",
        "description": f"{title}s for Django",
        "title_plural": f"{title}s",
        "show_pypi": True,
        "created": "2010-08-14T22:47:52-04:00",
        "modified": "2022-03-04T21:48:41.249944-05:00",
    }


def grid(number: int, package_ids: Iterable[int]) -> dict[str, Any]:
    return {
        "id": number,
        "title": f"Grid {number}",
        "slug": f"grid-{number}",
        "description": f"Comparison {number}",
        "is_locked": False,
        "packages": [f"{PUBLIC}packages/{package_id}/" for package_id in package_ids],
        "header": False,
        "created": "2011-05-01T10:00:00-04:00",
        "modified": "2023-12-27T12:40:58.914646-05:00",
    }


def catalogue() -> dict[str, list[dict[str, Any]]]:
    """The seeds, their two categories and the eight grids they name, consistent both ways."""
    packages = seed_packages()
    members: dict[int, list[int]] = {}
    for package in packages:
        for grid_id in _grid_refs(package):
            members.setdefault(grid_id, []).append(package["id"])
    # A grid may list packages we never see: they are skipped, not invented.
    members[114].append(99999)
    return {
        "packages": packages,
        "grids": [grid(grid_id, ids) for grid_id, ids in sorted(members.items())],
        "categories": [category(1, "App"), category(2, "Framework")],
    }


@dataclass
class FakeAPI:
    """`unlisted` resources are missing from their list but answer at their own URL."""

    data: dict[str, list[dict[str, Any]]] = field(default_factory=catalogue)
    unlisted: set[tuple[str, int]] = field(default_factory=set)
    max_limit: int | None = None
    faults: dict[str, deque[Fault]] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def fail(self, target: str, *faults: Fault) -> None:
        """Serve `faults` first at `target` (a path with its query, e.g. `grids/?limit=...`)."""
        self.faults.setdefault("/api/v4/" + target, deque()).extend(faults)

    def find(self, kind: str, record_id: int) -> dict[str, Any]:
        return next(each for each in self.data[kind] if each["id"] == record_id)

    def paths(self) -> list[str]:
        return [request.url.raw_path.decode() for request in self.requests]

    async def handle(self, request: httpx.Request) -> httpx.Response:
        assert request.url.host == HOST, f"the importer left the fake API: {request.url}"
        self.requests.append(request)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0)  # let other requests start, to observe concurrency
            queued = self.faults.get(request.url.raw_path.decode())
            if queued:
                fault = queued.popleft()
                if fault == NETWORK_ERROR:
                    raise httpx.ConnectError("connection reset by peer", request=request)
                assert isinstance(fault, httpx.Response)
                return fault
            return self._route(request)
        finally:
            self.in_flight -= 1

    def _route(self, request: httpx.Request) -> httpx.Response:
        parts = [part for part in request.url.path.split("/") if part][2:]  # after api/v4
        if len(parts) == 1 and parts[0] in self.data:
            return self._page(request, parts[0])
        if len(parts) == 2 and parts[0] in self.data:
            for each in self.data[parts[0]]:
                if str(each["id"]) == parts[1] or each.get("slug") == parts[1]:
                    return httpx.Response(200, json=copy.deepcopy(each))
        return httpx.Response(404, json={"detail": "Not found."})

    def _page(self, request: httpx.Request, kind: str) -> httpx.Response:
        query = parse_qs(request.url.query.decode())
        limit = int(query.get("limit", ["20"])[0])
        if self.max_limit:
            limit = min(limit, self.max_limit)
        offset = int(query.get("offset", ["0"])[0])
        listed = [each for each in self.data[kind] if (kind, each["id"]) not in self.unlisted]
        url = f"https://{HOST}/api/v4/{kind}/?limit={limit}&offset="
        return httpx.Response(
            200,
            json={
                "count": len(listed),
                "next": f"{url}{offset + limit}" if offset + limit < len(listed) else None,
                "previous": f"{url}{max(0, offset - limit)}" if offset else None,
                "results": copy.deepcopy(listed[offset : offset + limit]),
            },
        )


class FakeTime:
    """Records every sleep asked for and moves its clock on instead of waiting."""

    def __init__(self) -> None:
        self.clock = 0.0
        self.sleeps: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 3))
        self.clock += seconds
        await asyncio.sleep(0)

    def monotonic(self) -> float:
        return self.clock

    def now(self) -> datetime:
        return datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=self.clock)

    @property
    def source(self) -> TimeSource:
        return TimeSource(sleep=self.sleep, monotonic=self.monotonic, now=self.now)

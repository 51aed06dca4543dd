"""A request past REQUEST_TIMEOUT_SECONDS is cancelled and answered 504 TIMEOUT, on the
compiled lane and through Strawberry's view alike (issue 14)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

import schema.query
from core.settings import Settings
from fastpath import statements
from tests.conftest import app_client


@pytest.fixture
async def hasty(db, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(db, settings.model_copy(update={"request_timeout_seconds": 0.2})) as c:
        yield c


class Stuck:
    """Work that never ends by itself; records whether it was cancelled."""

    def __init__(self) -> None:
        self.started = False
        self.cancelled = False

    async def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.started = True
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled = True
            raise


def _timed_out(response: httpx.Response) -> None:
    assert response.status_code == 504
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "TIMEOUT"}
    assert "0.2 s" in error["message"]


async def test_a_compiled_request_is_cancelled(hasty, monkeypatch):
    stuck = Stuck()
    monkeypatch.setattr(statements, "fetch", stuck)
    _timed_out(await hasty.post("/graphql", json={"query": "{ packages { nodes { slug } } }"}))
    assert stuck.started and stuck.cancelled


async def test_a_reference_request_is_cancelled(hasty, monkeypatch):
    stuck = Stuck()
    monkeypatch.setattr(schema.query, "search", stuck)
    response = await hasty.post(
        "/graphql",
        json={"query": '{ search(query: "x") { __typename } }'},
        headers={"accept": "application/graphql-response+json"},
    )
    _timed_out(response)
    assert response.headers["content-type"].startswith("application/graphql-response+json")
    assert stuck.started and stuck.cancelled


async def test_a_quick_request_is_untouched(hasty):
    response = await hasty.post("/graphql", json={"query": "{ __typename }"})
    assert response.status_code == 200

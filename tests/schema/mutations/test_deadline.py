"""A write and REQUEST_TIMEOUT_SECONDS (issue 22): 504 TIMEOUT means nothing was written,
and a write that committed is answered even when its answer is late."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSessionTransaction

import schema.mutations.run
import writes
from core import deadline
from core.db import Database
from core.settings import Settings
from tests.conftest import app_client
from tests.schema.mutations.conftest import Tokens, row_counts

LIMIT = 1.0

CREATE = """
mutation ($slug: String!) {
  createPackage(input: {title: $slug, slug: $slug, categoryId: 1}) { databaseId slug }
}"""
CREATE_TWO = """
mutation {
  first: createPackage(input: {title: "first", slug: "first", categoryId: 1}) { slug }
  second: createPackage(input: {title: "second", slug: "second", categoryId: 1}) { slug }
}"""


@pytest.fixture
async def hasty(db: Database, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    update = {"request_timeout_seconds": LIMIT}
    async with app_client(db, settings.model_copy(update=update)) as client:
        yield client


async def _until_due() -> None:
    """Wait until the running request's deadline has passed (an order, not a race)."""
    running = deadline._DEADLINE.get()
    assert running is not None and running.when is not None
    loop = asyncio.get_running_loop()
    while loop.time() <= running.when:
        await asyncio.sleep(running.when - loop.time() + 0.01)


def _late_acknowledgement(monkeypatch: pytest.MonkeyPatch, times: int = 1) -> list[int]:
    """The first `times` COMMITs are done, but their acknowledgement comes after the
    deadline (a slow network, a busy server)."""
    real_exit = AsyncSessionTransaction.__aexit__
    held: list[int] = []

    async def commit_on_exit(self: AsyncSessionTransaction, *failure: Any) -> None:
        await real_exit(self, *failure)
        if failure[0] is None and not self.nested and len(held) < times:
            held.append(1)
            await _until_due()

    monkeypatch.setattr(AsyncSessionTransaction, "__aexit__", commit_on_exit)
    return held


async def _post(client: httpx.AsyncClient, token: str, query: str, **variables: Any) -> Any:
    return await client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )


async def test_a_write_committed_past_the_deadline_is_answered(
    catalogue, hasty, tokens: Tokens, monkeypatch
):
    held = _late_acknowledgement(monkeypatch)
    response = await _post(hasty, tokens.write, CREATE, slug="late-but-written")
    assert response.status_code == 200, response.text
    assert held == [1]
    body = response.json()
    assert "errors" not in body, body
    assert body["data"]["createPackage"]["slug"] == "late-but-written"


async def test_the_next_write_past_the_deadline_is_refused_unwritten(
    catalogue, hasty, tokens: Tokens, monkeypatch
):
    _late_acknowledgement(monkeypatch)
    before = await row_counts(catalogue)
    response = await _post(hasty, tokens.write, CREATE_TWO)
    body = response.json()
    # createPackage is non-null: the second's null empties `data` (GraphQL's rule), but
    # the error says which write was not done, and the first is in the catalogue.
    assert body["data"] is None, body
    [error] = body["errors"]
    assert error["path"] == ["second"]
    assert error["extensions"] == {"code": "TIMEOUT"}
    assert "nothing was written" in error["message"]
    after = await row_counts(catalogue)
    assert after["Package"] == before["Package"] + 1  # the first only
    assert after["AuditEntry"] == before["AuditEntry"] + 1


def _stuck_before_commit(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """The write's work runs past the deadline before it reaches its commit."""
    real_open_unit: Callable[..., Any] = writes.open_unit
    cancelled: list[bool] = []

    @asynccontextmanager
    async def open_unit(*args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        async with real_open_unit(*args, **kwargs) as unit:
            yield unit
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                cancelled.append(True)
                raise

    monkeypatch.setattr(schema.mutations.run, "open_unit", open_unit)
    return cancelled


async def test_a_timeout_means_nothing_was_written(catalogue, hasty, tokens: Tokens, monkeypatch):
    cancelled = _stuck_before_commit(monkeypatch)
    before = await row_counts(catalogue)
    response = await _post(hasty, tokens.write, CREATE, slug="never-written")
    assert response.status_code == 504
    assert response.json()["errors"][0]["extensions"] == {"code": "TIMEOUT"}
    assert cancelled == [True]
    assert await row_counts(catalogue) == before

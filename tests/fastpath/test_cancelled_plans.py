"""A request cancelled while its plan runs (the client left, the deadline passed) ends
cancelled: an error raised on the way out is never taken for a failed plan, which would
answer the gone client again through the reference executor (issue 24: under wrk's
timeouts at c=64 that doubled the work of cut-off requests and held their ORM rows)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

import fastpath
from fastpath.record import RECORDER
from schema.context import Context

QUERY = "{ packages(first: 2) { nodes { slug } } }"


@asynccontextmanager
async def _failing_while_cancelled(engine: Any) -> AsyncIterator[Any]:
    """A checkout cancelled while it waits, whose clean-up then raises (as the pool gate's
    did: `core.fair_gate`)."""
    task = asyncio.current_task()
    assert task is not None
    task.cancel()  # the client leaves...
    raise ValueError("clean-up failed")  # ...and the way out raises before any await
    yield  # pragma: no cover


async def test_a_cancelled_plan_ends_cancelled_not_in_the_reference(
    catalogue, settings, graphql_schema, monkeypatch
):
    unchecked = settings.model_copy(update={"compiled_differential": False})
    context = Context.create(db=catalogue, settings=unchecked)
    assert (await graphql_schema.execute(QUERY, context_value=context)).errors is None
    monkeypatch.setattr(fastpath, "checkout", _failing_while_cancelled)
    context = Context.create(db=catalogue, settings=unchecked)
    request = asyncio.create_task(graphql_schema.execute(QUERY, context_value=context))
    with RECORDER.listening() as outcomes, pytest.raises(asyncio.CancelledError):
        await request
    assert request.cancelled()
    assert [outcome.compiled for outcome in outcomes] == []  # no fallback, no answer


async def test_the_same_error_without_a_cancellation_is_answered_by_the_reference(
    catalogue, settings, graphql_schema, monkeypatch
):
    """The other half: a plan that fails on its own still gets the reference's answer."""

    async def failing(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("a compiler bug")

    unchecked = settings.model_copy(update={"compiled_differential": False})
    monkeypatch.setattr(fastpath, "run_plan", failing)
    context = Context.create(db=catalogue, settings=unchecked)
    with RECORDER.listening() as outcomes:
        result = await graphql_schema.execute(QUERY, context_value=context)
    assert [(outcome.compiled, outcome.reason) for outcome in outcomes] == [(False, "plan failed")]
    assert result.errors is None
    assert len(result.data["packages"]["nodes"]) == 2

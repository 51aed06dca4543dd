"""The differential check: the reference executor answers too, and must agree exactly."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from typing import Any

import orjson
from strawberry.types import ExecutionResult

from core import tracing
from core.request_context import outside_request

_SHADOW: ContextVar[bool] = ContextVar("dpgraph_fastpath_shadow", default=False)


def in_shadow() -> bool:
    """True while the reference runs only to be compared (its statements are not the answer's)."""
    return _SHADOW.get()


@contextmanager
def _shadowing() -> Iterator[None]:
    token = _SHADOW.set(True)
    try:
        yield
    finally:
        _SHADOW.reset(token)


def shadowing() -> AbstractContextManager[None]:
    """A reference run only to be compared elsewhere (a cohort's compiled result,
    `schema.subscriptions.compiled_check`): its statements are not the answer's."""
    return _shadowing()


async def compare(
    query: str, data: dict[str, Any], reference: Callable[[], Awaitable[ExecutionResult]]
) -> None:
    """AssertionError when the reference answers differently (errors, values or key order)."""
    with _shadowing(), outside_request(), tracing.detached():
        expected = await reference()
    if expected.errors:
        messages = [error.formatted for error in expected.errors]
        raise AssertionError(f"compiled answered data, reference errors {messages} for {query}")
    mine, theirs = orjson.dumps(data), orjson.dumps(expected.data)
    if mine != theirs:
        raise AssertionError(
            f"compiled and reference differ for {query}\ncompiled:  {mine[:2000]!r}\n"
            f"reference: {theirs[:2000]!r}"
        )

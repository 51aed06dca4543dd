"""Work done once per snapshot (one set of loaders) and key, awaited by many tasks.

The first caller starts a task; once it is done, the memo keeps a plain future with its
outcome instead. A task keeps the context it was started in, and that context holds the
previous event's loaders (the subscriber's emission): memoising the task itself chained
every event to the one before it, so none was ever freed (about 50 KB per result).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


def once(
    memo: dict[Hashable, Any], key: Hashable, start: Callable[[], Awaitable[T]]
) -> asyncio.Future[T]:
    """The future of `start()`, started by the first caller for `key`."""
    future: asyncio.Future[T] | None = memo.get(key)
    if future is None:
        task = asyncio.ensure_future(start())
        memo[key] = task
        task.add_done_callback(lambda done: memo.__setitem__(key, _settled(done)))
        return task
    return future


def _settled(done: asyncio.Future[T]) -> asyncio.Future[T]:
    """A plain future with `done`'s outcome, holding no context."""
    settled: asyncio.Future[T] = done.get_loop().create_future()
    if done.cancelled():
        settled.cancel()
    elif (error := done.exception()) is not None:
        settled.set_exception(error)
        settled.exception()  # retrieved: a later awaiter sees it; nobody gets a warning
    else:
        settled.set_result(done.result())
    return settled

"""A list in a request's `variables` is bounded before graphql-core coerces it.

List arguments are capped at 100 items (`schema.list_caps`), but that check runs after
coercion: `nodes(ids: $ids)` with 100,000 ids spent 230 ms of the event loop coercing
them before being refused. Longer than any argument takes, so refused before.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError

MAX_VARIABLE_LIST = 1000
BAD_USER_INPUT = "BAD_USER_INPUT"


def oversized_list(value: Any, limit: int = MAX_VARIABLE_LIST) -> int | None:
    """The length of a list longer than `limit` anywhere in `value` (None: none)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            if len(item) > limit:
                return len(item)
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
    return None


def long_list_refusal(variables: Any) -> GraphQLError | None:
    """For transports without an HTTP layer in front (WebSocket, SSE): the same bound,
    as a GraphQL error before the variables are coerced."""
    length = oversized_list(variables) if variables else None
    if length is None:
        return None
    return GraphQLError(
        f"A list in `variables` has {length:,} items; at most {MAX_VARIABLE_LIST:,} are accepted.",
        extensions={"code": BAD_USER_INPUT},
    )

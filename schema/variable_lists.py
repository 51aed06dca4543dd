"""A list in a request's `variables` is bounded before graphql-core coerces it.

List arguments are capped at 100 items (`schema.list_caps`), but that check runs after
coercion: `nodes(ids: $ids)` with 100,000 ids spent 230 ms of the event loop coercing
them before being refused. Longer than any argument takes, so refused before.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError

MAX_VARIABLE_LIST = 1000
MAX_VARIABLE_OBJECT_KEYS = 100
"""Far more than any input type has fields: 80,000 keys in a `PackageFilter` (0.9 MB)
are refused here, before the variables are walked against the operation's types."""
BAD_USER_INPUT = "BAD_USER_INPUT"


def oversized(value: Any) -> tuple[str, int] | None:
    """("list", items) or ("object", keys) of the first container over its bound anywhere
    in `value` (None: none); one walk, stopping there."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            if len(item) > MAX_VARIABLE_LIST:
                return "list", len(item)
            stack.extend(item)
        elif isinstance(item, dict):
            if len(item) > MAX_VARIABLE_OBJECT_KEYS:
                return "object", len(item)
            stack.extend(item.values())
    return None


def long_list_refusal(variables: Any) -> GraphQLError | None:
    """The bound on lists and objects in `variables`, as a GraphQL error before they are
    coerced (the HTTP transport answers it 400; WebSocket and SSE through the schema)."""
    found = oversized(variables) if variables else None
    if found is None:
        return None
    kind, size = found
    if kind == "list":
        message = (
            f"A list in `variables` has {size:,} items; at most {MAX_VARIABLE_LIST:,} are accepted."
        )
    else:
        message = (
            f"An object in `variables` has {size:,} keys; at most "
            f"{MAX_VARIABLE_OBJECT_KEYS:,} are accepted."
        )
    return GraphQLError(message, extensions={"code": BAD_USER_INPUT})

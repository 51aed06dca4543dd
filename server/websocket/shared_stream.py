"""What a group and a cohort (`server.websocket.fanout`, `server.websocket.cohort`) both do
with the one Strawberry stream they run for their members: read it, and encode a result
once for all of them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import aclosing
from typing import TYPE_CHECKING, Any

import orjson
from graphql import GraphQLError
from strawberry.types.execution import ExecutionResult, PreExecutionError

if TYPE_CHECKING:
    from server.websocket.fanout import StreamStarter

NO_INCREMENTAL = "Incremental delivery is not supported over graphql-transport-ws"

End = Callable[..., None]
"""`end(kind, payload=None)`: the last message to every member ("error" or "complete")."""


async def read_shared(
    stream: StreamStarter, fan_out: Callable[[ExecutionResult], None], end: End
) -> None:
    """Each result to `fan_out`, the members' writers running between results; a refusal
    before the first result, or an incremental result, ends every member with an error."""
    source = await stream.start()
    first = True
    async with aclosing(source):
        async for result in source:
            if first and isinstance(result, PreExecutionError):
                end("error", [error.formatted for error in result.errors or ()])
                return
            if not isinstance(result, ExecutionResult):
                end("error", [GraphQLError(NO_INCREMENTAL).formatted])
                return
            first = False
            fan_out(result)
            await asyncio.sleep(0)
    end("complete")


def encoded_payload(result: ExecutionResult) -> str:
    """The `payload` of a `next` message and its closing brace: what follows a member's
    own `{"id":...,"type":"next","payload":` prefix."""
    payload: dict[str, Any] = {"data": result.data}
    if result.errors:
        payload["errors"] = [error.formatted for error in result.errors]
    if result.extensions:
        payload["extensions"] = result.extensions
    return orjson.dumps(payload).decode() + "}"

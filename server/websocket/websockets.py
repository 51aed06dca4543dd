"""WebSocket protocol details strawberry leaves to us: text frames, and server pings on
graphql-transport-ws.

(graphql-ws, the legacy protocol, has its own keep-alive: strawberry sends `ka`.)
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Mapping
from contextlib import aclosing
from typing import Any

import orjson
from starlette.websockets import WebSocket
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
    _OperationStreamClosed,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    SubscribeMessage,
)
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.subscriptions.protocols.graphql_ws.types import (
    CompleteMessage,
    ConnectionErrorMessage,
    ErrorMessage,
    StartMessage,
)
from strawberry.subscriptions.protocols.graphql_ws.types import (
    ConnectionInitMessage as LegacyInitMessage,
)
from strawberry.types.execution import ExecutionResult, PreExecutionError

from core.failures import DATABASE_UNAVAILABLE, UNAVAILABLE_MESSAGE, database_unavailable
from ratelimit import spending
from schema.errors import TooManySubscriptions
from schema.permissions import read_class
from schema.subscriptions.place import subscribed_now, subscription_place
from schema.subscriptions.sharing import CohortTicket, admitting
from server.websocket.cohort import Cohort
from server.websocket.fanout import Group, StreamStarter, SubscriptionGroups
from server.websocket.outbox import Outbox

TRY_AGAIN_LATER = 1013
"""The close code (RFC 6455) when the token cannot be checked: the database is out of
reach; the client reconnects later (4403 would tell it the token is bad)."""
UNAVAILABLE_REASON = "Database unavailable; try again shortly"


class TextFrameWebSocketAdapter(ASGIWebSocketAdapter):
    """Every message goes out as a text frame, as graphql-transport-ws and graphql-ws require,
    through the connection's outbox (`server.websocket.outbox`), in order.

    The view's `encode_json` returns bytes (fast for HTTP bodies), which strawberry would
    send as binary frames: real clients (graphql-ws, gql, GraphiQL) reject those.
    """

    def __init__(self, view: Any, request: WebSocket, response: WebSocket) -> None:
        super().__init__(view, request, response)
        settings = getattr(view, "settings", None)
        limit = settings.websocket_send_queue if settings is not None else 1000
        byte_limit = settings.websocket_send_queue_bytes if settings is not None else 4 << 20
        self.outbox = Outbox(response, limit, byte_limit)

    async def send_json(self, message: Mapping[str, object]) -> None:
        if self.outbox.closed:
            raise WebSocketDisconnected
        await self.outbox.put(orjson.dumps(message).decode())

    async def close(self, code: int, reason: str) -> None:
        await self.outbox.close(code, reason)


class PingingTransportWSHandler(BaseGraphQLTransportWSHandler[Any, Any]):
    """Sends `{"type": "ping"}` every `keepalive` seconds once the connection is acknowledged,
    so proxies keep idle subscriptions open and dead peers are noticed. Subscriptions join
    a shared stream (`server.websocket.fanout`) when the view keeps groups."""

    _ping_task: asyncio.Task[None] | None = None
    _joined: dict[str, Group | Cohort] | None = None

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        """The operation's task starts here and carries the stream's place now. Past
        the connection's limit, the refusal has a code (Strawberry's has none)."""
        limit = self.max_subscriptions_per_connection
        if (
            self.connection_acknowledged
            and message["id"] not in self.operations
            and limit is not None
            and len(self.operations) >= limit
        ):
            error = too_many_subscriptions(limit)
            await self.send_message({"id": message["id"], "type": "error", "payload": [error]})
            return
        with subscribed_now(getattr(self.view, "hub", None)):
            await super().handle_subscribe(message)

    async def run_operation(self, operation: Operation[Any, Any]) -> None:
        groups: SubscriptionGroups | None = getattr(self.view, "subscription_groups", None)
        if groups is None:
            with spending():  # the `rateLimit` field reads the operation's charge
                await super().run_operation(operation)
            return
        # The same call strawberry makes; a group's stream repeats it (server.websocket.fanout).
        starter = StreamStarter(
            self.schema,
            operation.query,
            operation.variables,
            operation.operation_name,
            self.context,
            self.root_value,
        )
        try:
            with spending():  # charged once, also when a stream of its own follows admission
                source = await starter.start()
                async with aclosing(source):
                    with admitting() as admission:
                        first = await anext(source, None)
                    if not admission.admitted:
                        await self._send_result_stream(operation, _chain(first, source))
                    elif admission.cohort is not None:
                        permission = await self._read_class()
                        if await self._join_cohort(
                            groups, operation, starter, admission.cohort, permission
                        ):
                            return
                    elif self._join(groups, operation, starter, await self._read_class()):
                        return
                if admission.admitted:  # the group is past this subscriber's place
                    async with aclosing(await starter.start()) as own:
                        await self._send_result_stream(operation, own)
            await operation.send_operation_message({"id": operation.id, "type": "complete"})
        except _OperationStreamClosed:
            return
        except Exception as error:
            await self.handle_task_exception(error)
            with contextlib.suppress(Exception):
                await operation.send_operation_message({"id": operation.id, "type": "complete"})
            self.operations.pop(operation.id, None)
            raise

    async def _read_class(self) -> str:
        """The connection's permission class (its identity was looked up at admission)."""
        context = self.context
        identity = await context.identity() if context.presented_token() is not None else None
        return read_class(identity)

    def _join(
        self,
        groups: SubscriptionGroups,
        operation: Operation[Any, Any],
        starter: StreamStarter,
        permission: str,
    ) -> bool:
        """Join the group of identical subscribers (False: it cannot cover this one).

        The group is keyed on what the token may read, not on the token: each member's
        rate limit was charged at its own admission, and a bad token never got this far.
        """
        variables = orjson.dumps(operation.variables or {}, option=orjson.OPT_SORT_KEYS)
        key = (operation.query, variables, operation.operation_name, permission)
        group = groups.join(key, operation, starter, subscription_place())
        if group is None:
            return False
        if self._joined is None:
            self._joined = {}
        self._joined[operation.id] = group
        # Its admission task ends now; kept, it would keep the admission's loaders alive.
        operation.task = None
        return True

    async def _join_cohort(
        self,
        groups: SubscriptionGroups,
        operation: Operation[Any, Any],
        starter: StreamStarter,
        ticket: CohortTicket,
        permission: str,
    ) -> bool:
        """Join the cohort of subscribers of this document that follow objects of their
        own (`server.websocket.cohort`); False: it cannot take this one now.

        Keyed on the document, the values its selection reads and the permission class
        (last, as a group's key): not on the objects, nor the token."""
        key = (
            operation.query,
            ticket.selection_variables,
            operation.operation_name,
            "cohort",
            permission,
        )
        cohort, taken = groups.join_cohort(key, operation, starter, ticket, subscription_place())
        if self._joined is None:
            self._joined = {}
        self._joined[operation.id] = cohort
        try:
            accepted = await asyncio.shield(taken)
        except asyncio.CancelledError:  # completed or disconnected while it waited
            self._joined.pop(operation.id, None)
            cohort.leave(operation)
            raise
        if not accepted:
            self._joined.pop(operation.id, None)
            return False
        # Its admission task ends now; kept, it would keep the admission's loaders alive.
        operation.task = None
        return True

    async def cleanup_operation(self, operation_id: str) -> None:
        group = self._joined.pop(operation_id, None) if self._joined is not None else None
        operation = self.operations.get(operation_id)
        if group is not None and operation is not None and operation.task is None:
            group.leave(operation)
            del self.operations[operation_id]
            return
        await super().cleanup_operation(operation_id)

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        try:
            await super().handle_connection_init(message)
        except Exception as error:  # the token look-up found no database
            if not database_unavailable(error):
                raise
            await self.websocket.close(TRY_AGAIN_LATER, UNAVAILABLE_REASON)
            return
        if self.connection_acknowledged and self._ping_task is None:
            self._ping_task = asyncio.create_task(self._ping())

    async def _ping(self) -> None:
        interval = float(getattr(self.view, "keepalive_seconds", 15.0))
        with contextlib.suppress(Exception):
            while True:
                await asyncio.sleep(interval)
                await self.send_message({"type": "ping"})

    async def shutdown(self) -> None:
        if self._ping_task is not None:
            self._ping_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ping_task
            self._ping_task = None
        await super().shutdown()


class PlacedLegacyWSHandler(BaseGraphQLWSHandler[Any, Any]):
    """The legacy graphql-ws protocol (subscriptions-transport-ws): a `start` fixes the
    operation's place in the event stream when it arrives, as a graphql-transport-ws
    `subscribe` does.

    A `start` may carry a query or a mutation too (Python gql's default transport offers
    this protocol first): it is answered with one `data` message, then `complete`.
    Strawberry ran every `start` as a subscription, and a query came back as an
    INTERNAL_SERVER_ERROR."""

    async def handle_connection_init(self, message: LegacyInitMessage) -> None:
        try:
            await super().handle_connection_init(message)
        except Exception as error:  # the token look-up found no database
            if not database_unavailable(error):
                raise
            refusal: dict[str, object] = {
                "message": UNAVAILABLE_MESSAGE,
                "extensions": {"code": DATABASE_UNAVAILABLE},
            }
            await self.send_message(
                ConnectionErrorMessage(type="connection_error", payload=refusal)
            )
            await self.websocket.close(TRY_AGAIN_LATER, UNAVAILABLE_REASON)

    async def handle_start(self, message: StartMessage) -> None:
        limit = self.max_subscriptions_per_connection
        replaced = 1 if message["id"] in self.tasks else 0  # Strawberry ends it first
        if (
            self.connection_acknowledged
            and limit is not None
            and len(self.tasks) - replaced >= limit
        ):
            if replaced:
                await self.cleanup_operation(message["id"])
            error = too_many_subscriptions(limit)
            await self.send_message(ErrorMessage(type="error", id=message["id"], payload=error))
            return
        with subscribed_now(getattr(self.view, "hub", None)):
            await super().handle_start(message)

    async def handle_async_results(
        self,
        operation_id: str,
        query: str,
        operation_name: str | None,
        variables: dict[str, object] | None,
    ) -> None:
        """Strawberry's loop, over `Schema.stream`, which runs any operation with the same
        checks as every transport (limits, cost, rate limit, the token of
        `connection_init`), charged once in a spending slot of its own."""
        try:
            with spending():
                results = await self.schema.stream(
                    query=query,
                    variable_values=variables,
                    operation_name=operation_name,
                    context_value=self.context,
                    root_value=self.root_value,
                )
                self.subscriptions[operation_id] = results
                first = True
                async for result in results:
                    assert isinstance(result, ExecutionResult)  # no incremental delivery here
                    if first and isinstance(result, PreExecutionError):
                        assert result.errors
                        payload = result.errors[0].formatted
                        await self.send_message(
                            ErrorMessage(type="error", id=operation_id, payload=payload)
                        )
                        return
                    first = False
                    await self.send_data_message(result, operation_id)
            await self.send_message(CompleteMessage(type="complete", id=operation_id))
        except asyncio.CancelledError:  # `stop`, or the connection ended
            await self.send_message(CompleteMessage(type="complete", id=operation_id))
        finally:
            self.subscriptions.pop(operation_id, None)
            self.tasks.pop(operation_id, None)


def too_many_subscriptions(limit: int) -> Any:
    """The refusal of one operation too many on a WebSocket, on either protocol."""
    return TooManySubscriptions(
        f"Subscription limit reached: this connection already runs {limit} operations "
        "(MAX_SUBSCRIPTIONS_PER_CONNECTION); complete one, or open another connection.",
        limit=limit,
    ).formatted


async def _chain(first: Any, rest: AsyncGenerator[Any, None]) -> AsyncGenerator[Any, None]:
    """The stream again, with the result the admission already took at its head."""
    if first is None:
        return
    yield first
    async for result in rest:
        yield result

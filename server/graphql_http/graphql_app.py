"""Strawberry's ASGI app, given our typed context, fast JSON and WebSocket limits."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from types import MappingProxyType
from typing import Any

import orjson
import strawberry
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, GraphQLRequestProtocol
from strawberry.http.streaming import HTTPStreamTransport, MultipartSubscriptionTransport
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import (
    GRAPHQL_SSE_PROTOCOL,
    GRAPHQL_TRANSPORT_WS_PROTOCOL,
    GRAPHQL_WS_PROTOCOL,
    MULTIPART_SUBSCRIPTION_PROTOCOL,
)
from strawberry.types import SubscriptionExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET

from core.db import Database
from core.deadline import bounded_by
from core.headers import header
from core.request_context import note
from core.settings import Settings
from core.statement_timeout import StatementTimedOut
from events.hub import EventHub
from execution.choice import compilable, compiled
from fastpath import Fallback, Refused
from metrics import REFUSALS, STREAMING_CONNECTIONS
from ratelimit import RateLimits, spending
from ratelimit.spending import current as current_spending
from schema import Schema
from schema.admission import admitting
from schema.context import Context
from schema.operation_type import names_a_subscription
from schema.permissions import AUTH_HINT
from schema.subscriptions.place import subscribed_now
from schema.variable_lists import BAD_USER_INPUT, long_list_refusal
from server.graphql_http.failures import failure_answer, only_unavailable, unavailable
from server.graphql_http.graphiql import graphiql_page
from server.graphql_http.http_cache import with_cache_headers
from server.graphql_http.http_protocol import (
    BAD_REQUEST,
    GRAPHQL_RESPONSE_JSON,
    JSON,
    METHOD_NOT_ALLOWED,
    OPERATION_RESOLUTION_FAILURE,
    RequestError,
    failed_before_execution,
    request_error_response,
    response_media_type,
)
from server.graphql_http.http_streams import LineFeedSSETransport, StartedStream
from server.graphql_http.negotiation import JSON as JSON_ANSWER
from server.graphql_http.negotiation import Answer, answers
from server.graphql_http.persisted import (
    MemoryPersistedQueries,
    PersistedQueries,
    requested_hash,
    sha256_of,
)
from server.guards.body_limit import BodyTooLarge
from server.guards.disconnects import ClientGone, cancelled_on_disconnect
from server.guards.in_flight import InFlight
from server.guards.limits import ConnectionLimiter, MemoryLimiter
from server.websocket.fanout import SubscriptionGroups
from server.websocket.websockets import (
    PingingTransportWSHandler,
    PlacedLegacyWSHandler,
    TextFrameWebSocketAdapter,
)

_PLAIN_BODY_KEYS = frozenset({"query", "variables", "operationName"})
"""A body with anything else (extensions, a batch) is the view's to read."""

UNAUTHENTICATED = "UNAUTHENTICATED"
TIMEOUT = "TIMEOUT"
PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"
TOO_MANY_CONNECTIONS_CODE = "TOO_MANY_CONNECTIONS"
TOO_MANY_REQUESTS_IN_FLIGHT = "TOO_MANY_REQUESTS_IN_FLIGHT"
RATE_LIMITED_STATUS = 429


def _client(scope: Scope) -> str:
    return str((scope.get("client") or ("unknown", 0))[0])


_PROTOCOLS: dict[Answer, GraphQLRequestProtocol] = {
    "json": "http",
    "sse": LineFeedSSETransport.protocol,
    "multipart": MultipartSubscriptionTransport.protocol,
}
"""The view's name for each answer (`GraphQLRequestData.protocol`)."""


@dataclass
class _Hold:
    """What one HTTP request holds while it is answered: a place among its client's
    requests in flight, traded for one of its streaming places (MAX_CONNECTIONS_PER_CLIENT)
    when it turns out to stream, and then its stream."""

    client: str
    kind: str | None = None  # sse or multipart once it streams
    ticket: str | None = None
    stream: StartedStream | None = None


_HOLD: ContextVar[_Hold | None] = ContextVar("dpgraph_http_hold", default=None)
_PARSED_BODY: ContextVar[tuple[bytes, Any] | None] = ContextVar("dpgraph_body", default=None)
"""The body the lane read and what it parsed it into (`parse_json` has no request to ask)."""


TOO_MANY_CONNECTIONS = 4429
SUBSCRIPTION_NEEDS_A_STREAM = (
    "subscriptions are not allowed over a plain request: subscribe over a WebSocket "
    "(graphql-transport-ws), or with Accept: text/event-stream (SSE) or "
    "multipart/mixed;subscriptionSpec=1.0"
)


_REQUEST_STATE = ("graphql_context", "graphql_sub_response", "admission")


def _forget_request_state(scope: Scope) -> None:
    """The context refers to the request and the request's state (in its scope) to the
    context: a cycle only the garbage collector would free, 19 objects per request and,
    under load, a young-generation collection of tens of milliseconds every few thousand
    requests, which every request in flight waits for. Dropped once answered, the
    request is freed as it ends."""
    state = scope.get("state")
    if state:
        for key in _REQUEST_STATE:
            state.pop(key, None)


def _refuse_long_lists(variables: dict[str, Any]) -> None:
    """The schema's bound (`schema.variable_lists`), as a 400 before anything is parsed."""
    refused = long_list_refusal(variables)
    if refused is not None:
        raise RequestError(400, refused.message, BAD_USER_INPUT)


class GraphQLApp(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = PingingTransportWSHandler
    graphql_ws_handler_class = PlacedLegacyWSHandler
    websocket_adapter_class = TextFrameWebSocketAdapter
    stream_transport_classes_by_protocol: Mapping[str, type[HTTPStreamTransport]] = (
        MappingProxyType(
            {
                **GraphQL.stream_transport_classes_by_protocol,
                # LF framing (`server.graphql_http.http_streams`)
                GRAPHQL_SSE_PROTOCOL: LineFeedSSETransport,
            }
        )
    )

    def __init__(
        self,
        schema: strawberry.Schema,
        *,
        db: Database,
        settings: Settings,
        hub: EventHub | None = None,
        limiter: ConnectionLimiter | None = None,
        persisted: PersistedQueries | None = None,
        rate_limits: RateLimits | None = None,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=True,
            keep_alive=True,
            keep_alive_interval=settings.keepalive_seconds,
            subscription_protocols=(
                GRAPHQL_TRANSPORT_WS_PROTOCOL,
                GRAPHQL_WS_PROTOCOL,
                GRAPHQL_SSE_PROTOCOL,  # Accept: text/event-stream
                MULTIPART_SUBSCRIPTION_PROTOCOL,  # Accept: multipart/mixed;subscriptionSpec=1.0
            ),
            connection_init_wait_timeout=timedelta(
                seconds=settings.connection_init_timeout_seconds
            ),
            max_subscriptions_per_connection=settings.max_subscriptions_per_connection,
        )
        self.db = db
        self.settings = settings
        self.hub = hub
        self.keepalive_seconds = settings.keepalive_seconds
        self.limiter = limiter or MemoryLimiter(settings.max_connections_per_client)
        self.persisted: PersistedQueries = persisted or MemoryPersistedQueries()
        self.rate_limits = rate_limits
        self.in_flight = InFlight(settings.max_requests_in_flight_per_client)
        self.subscription_groups = (
            SubscriptionGroups() if settings.share_subscription_streams else None
        )
        # Set by the app when this process runs webhooks (`webhooks.runner`).
        self.webhooks_changed: Callable[[], None] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            request = Request(scope, receive)
            try:
                if not answers(header(scope, b"accept")).may_stream:
                    await self._respond_in_flight(request, scope, receive, send)
                    return
                with subscribed_now(self.hub):  # if it streams, changes from now on reach it
                    await self._respond_in_flight(request, scope, receive, send)
                return
            finally:
                _forget_request_state(scope)
        async with self._place(scope, "websocket") as placed:
            if not placed:
                await self._refuse(scope, receive, send)
                return
            await super().__call__(scope, receive, send)

    @asynccontextmanager
    async def _place(self, scope: Scope, kind: str) -> AsyncIterator[bool]:
        """One of the client's MAX_CONNECTIONS_PER_CLIENT places for the connection's
        lifetime (False: all taken), given back when it ends."""
        client = _client(scope)
        ticket = await self._take_place(client, kind)
        try:
            yield ticket is not None
        finally:
            if ticket is not None:
                await self._give_back_place(client, kind, ticket)

    async def _take_place(self, client: str, kind: str) -> str | None:
        ticket = await self.limiter.acquire(client)
        if ticket is None:
            REFUSALS.labels("connections").inc()
            return None
        STREAMING_CONNECTIONS.labels(kind).inc()
        return ticket

    async def _give_back_place(self, client: str, kind: str, ticket: str) -> None:
        STREAMING_CONNECTIONS.labels(kind).dec()
        await self.limiter.release(client, ticket)

    async def _respond_in_flight(
        self, request: Request, scope: Scope, receive: Receive, send: Send
    ) -> None:
        """A request, counted in its client's MAX_REQUESTS_IN_FLIGHT_PER_CLIENT until it
        answers, or until it starts to stream (`_stream_instead`)."""
        client = _client(scope)
        if not self.in_flight.enter(client):
            REFUSALS.labels("in_flight").inc()
            limit = self.in_flight.limit
            refusal = RequestError(
                429,
                f"Too many requests running at once (limit {limit}): wait for an answer "
                "before sending more.",
                TOO_MANY_REQUESTS_IN_FLIGHT,
                {"Retry-After": "1"},
            )
            await self._respond(request, scope, receive, send, refusal)
            return
        hold = _Hold(client)
        reset = _HOLD.set(hold)
        try:
            await self._respond(request, scope, receive, send)
        finally:
            _HOLD.reset(reset)
            await self._let_go(hold)

    async def _let_go(self, hold: _Hold) -> None:
        """The request is answered (or gone): its stream stops, its place comes back."""
        if hold.stream is not None:
            await hold.stream.aclose()
        if hold.kind is None:
            self.in_flight.leave(hold.client)
        elif hold.ticket is not None:
            await self._give_back_place(hold.client, hold.kind, hold.ticket)

    async def _stream_instead(self, kind: str) -> None:
        """The request streams: it trades its place among the requests in flight for one
        of its client's streaming places (429 TOO_MANY_CONNECTIONS when all are taken)."""
        hold = _HOLD.get()
        if hold is None or hold.kind is not None:
            return
        hold.kind = kind
        self.in_flight.leave(hold.client)
        hold.ticket = await self._take_place(hold.client, kind)
        if hold.ticket is None:
            raise self._too_many_connections()

    def _too_many_connections(self) -> RequestError:
        return RequestError(
            429,
            f"Too many connections (limit {self.settings.max_connections_per_client}): "
            "close a subscription first.",
            TOO_MANY_CONNECTIONS_CODE,
        )

    async def _respond(
        self,
        request: Request,
        scope: Scope,
        receive: Receive,
        send: Send,
        refusal: RequestError | None = None,
    ) -> None:
        try:
            if refusal is not None:
                raise refusal
            response = await self._answer(request)
        except HTTPException as error:
            media_type = response_media_type(request.headers.get("accept"))
            response = request_error_response(error, media_type)
        except ClientGone:
            note(clientGone=True)  # logged with nginx's 499; no answer to send
            return
        except BodyTooLarge:
            raise  # BodyLimit answers 413 PAYLOAD_TOO_LARGE
        except Exception as error:  # the database out of reach, or a bug: still GraphQL
            media_type = response_media_type(request.headers.get("accept"))
            response = request_error_response(failure_answer(error), media_type)
        await response(scope, receive, send)

    async def _answer(self, request: Request) -> Response:
        """The answer within REQUEST_TIMEOUT_SECONDS: past it, the work is cancelled (a
        PostgreSQL statement with it: asyncpg cancels the query) and the client gets 504
        TIMEOUT, and nothing was written. A transaction checks the deadline before it
        commits and lifts it (`core.deadline`): a write that committed is answered, late
        or not. Cancelled too if the client disconnects first (ClientGone). A stream
        (SSE, multipart) is bounded only until it starts."""
        limit = self.settings.request_timeout_seconds or None
        with spending() as spent:
            try:
                async with asyncio.timeout(limit) as timeout:
                    with bounded_by(timeout):  # a commit checks it first (`core.deadline`)
                        response = await self._answer_in_time(request)
            except TimeoutError:
                raise RequestError(
                    504, f"The request took over {limit:g} s and was stopped.", TIMEOUT
                ) from None
            except StatementTimedOut as stopped:  # the compiled path's statement
                raise RequestError(504, str(stopped), TIMEOUT) from None
        streaming = isinstance(response, StreamingResponse)
        if spent.budget is not None:
            response.raw_headers.extend(spent.budget.headers())
            if not spent.budget.allowed:
                # A stream reports the refusal as an event: the graphql-sse protocol asks
                # for it, and an EventSource drops a non-200 answer unread.
                if not streaming:
                    response.status_code = RATE_LIMITED_STATUS
                response.headers["Retry-After"] = str(spent.budget.retry_after())
        if request.method == "GET" and not streaming:
            if "text/html" not in response.headers.get("content-type", ""):  # not GraphiQL
                return with_cache_headers(request, response, self.settings.cache_max_age_seconds)
        return response

    async def _answer_in_time(self, request: Request) -> Response:
        await request.body()  # the body's read time counts in the deadline too
        async with cancelled_on_disconnect(request.receive):
            kept = _PARSED_BODY.set(None)
            try:
                response = await self._compiled_response(request)
                if response is not None:
                    return response
                # The view goes on with what the lane made: the parsed body (`parse_json`),
                # the sub-response and context, the admission.
                context = getattr(request.state, "graphql_context", UNSET)
                with admitting(getattr(request.state, "admission", None)):
                    return await self.run(request, context=context)
            finally:
                _PARSED_BODY.reset(kept)

    async def _compiled_response(self, request: Request) -> Response | None:
        """The plain case answered without Strawberry's HTTP view: an anonymous POST of one
        JSON operation whose plan exists. It builds the same context, sub-response and
        response as the view (`get_context`, `get_sub_response`, `create_response`), and
        the answer is `fastpath`'s; anything else (None) goes through the view, which
        takes the body this parsed, its sub-response and context, and its admission."""
        scope = request.scope
        if (
            scope["method"] != "POST"
            or header(scope, b"content-type") != JSON
            or header(scope, b"authorization") is not None
            or not self.settings.compiled_execution
            or answers(header(scope, b"accept")).operation != JSON_ANSWER  # it prefers a stream
        ):
            return None
        raw = await request.body()
        try:
            body = self.decode_json(raw)
        except orjson.JSONDecodeError:
            return None  # the view answers 400
        _PARSED_BODY.set((raw, body))  # the view's `parse_json` takes it as it is
        if not isinstance(body, dict) or not body.keys() <= _PLAIN_BODY_KEYS:
            return None
        query, variables = body.get("query"), body.get("variables")
        operation_name = body.get("operationName")
        if (
            not isinstance(query, str)
            or not isinstance(variables, dict | None)
            or not isinstance(operation_name, str | None)
        ):
            return None
        if variables is not None:
            _refuse_long_lists(variables)
        note(operation=operation_name)
        sub_response = await self.get_sub_response(request)
        context = await self.get_context(request, sub_response)
        request.state.graphql_context = context  # the view's, if it answers instead
        schema = self.schema
        assert isinstance(schema, Schema)
        allowed = schema.allowed_for_one_answer(None)
        if not compilable(query, context, allowed, operation_name):
            return None
        admission, answer = await compiled(
            schema,
            query,
            variables,
            context,
            operation_name,
            lambda: schema.reference_execute(
                query, variables, context, None, operation_name, allowed
            ),
        )
        if isinstance(answer, Fallback):
            request.state.admission = admission  # the view's executor takes it as it is
            return None
        if isinstance(answer, Refused):
            refused: GraphQLHTTPResponse = {
                "data": None,
                "errors": [error.formatted for error in answer.errors],
            }
            return self.create_response(refused, sub_response)
        return self.create_response({"data": answer}, sub_response)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Accept, then close with a code the client's protocol library reports."""
        websocket = WebSocket(scope, receive, send)
        offered = scope.get("subprotocols") or []
        known = [p for p in offered if p in (GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL)]
        await websocket.accept(subprotocol=known[0] if known else None)
        limit = self.settings.max_connections_per_client
        await websocket.close(TOO_MANY_CONNECTIONS, f"Too many connections (limit {limit})")

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        """Over HTTP, a token that is sent must be valid, for reads too: 401 otherwise
        (unknown, revoked and malformed alike). The identity stays on the context, so
        a mutation does not look it up again."""
        context = Context.create(
            db=self.db,
            settings=self.settings,
            request=request,
            response=response,
            hub=self.hub,
            rate_limits=self.rate_limits,
            webhooks_changed=self.webhooks_changed,
        )
        if (
            isinstance(request, Request)
            and context.presented_token() is not None
            and await context.identity() is None
        ):
            raise RequestError(
                401,
                f"The token is not valid. {AUTH_HINT}",
                UNAUTHENTICATED,
                {"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        return context

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        """One per request: the lane's, when the view answers after it (its context
        holds it, and the answer's status and headers are read from it)."""
        kept = getattr(request.state, "graphql_sub_response", None)
        if isinstance(kept, Response):
            return kept
        sub_response = await super().get_sub_response(request)
        sub_response.media_type = response_media_type(header(request.scope, b"accept"))
        if isinstance(request, Request):
            request.state.graphql_sub_response = sub_response
        return sub_response

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        """The negotiated media type; no `data` entry when execution never began (400
        under application/graphql-response+json)."""
        media_type = sub_response.media_type or JSON
        status = sub_response.status_code or 200
        if isinstance(response_data, dict) and failed_before_execution(response_data):
            response_data = {k: v for k, v in response_data.items() if k != "data"}  # type: ignore[assignment]
            if media_type == GRAPHQL_RESPONSE_JSON and not sub_response.status_code:
                status = 400
        unreachable = only_unavailable(response_data)
        if unreachable:
            status = 503
        response = Response(self.encode_json(response_data), status, media_type=media_type)
        response.headers.raw.extend(sub_response.headers.raw)
        if unreachable:
            response.headers.update(unavailable().headers)
        response.background = sub_response.background
        return response

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        """Strawberry checks `query`, `variables` and `extensions`; `operationName` too
        must be a string or null (an object or a list is no operation's name)."""
        data = await super().parse_http_body(request)
        for item in data if isinstance(data, list) else [data]:
            if not isinstance(item.operation_name, str | None):
                raise RequestError(
                    400,
                    "The GraphQL operation's `operationName` must be a string or null, "
                    "if provided.",
                    BAD_REQUEST,
                )
        for item in data if isinstance(data, list) else [data]:
            if item.variables:
                _refuse_long_lists(item.variables)
        if isinstance(data, GraphQLRequestData):
            data.query = await self._persisted_query(data)
            note(operation=data.operation_name)
        return data

    async def _persisted_query(self, data: GraphQLRequestData) -> str | None:
        """The document a persisted-query request stands for (Apollo's protocol): its text
        is checked against the hash and kept; a hash alone is looked up."""
        sha256 = requested_hash(data.extensions)
        settings = self.settings
        if sha256 is None or not (settings.persisted_queries or settings.trusted_documents):
            return data.query
        if sha256 is False:
            raise RequestError(
                400,
                "extensions.persistedQuery needs version 1 and a sha256Hash of 64 hex digits.",
                BAD_REQUEST,
            )
        assert isinstance(sha256, str)
        if data.query is not None:
            if sha256_of(data.query) != sha256:
                raise RequestError(
                    400, "The query's SHA-256 is not the sha256Hash sent.", HASH_MISMATCH
                )
            await self.persisted.put(sha256, data.query)
            return data.query
        known = await self.persisted.get(sha256)
        if known is None:  # Apollo clients resend with the text on this answer
            raise RequestError(200, "PersistedQueryNotFound", PERSISTED_QUERY_NOT_FOUND)
        return known

    async def execute_operation(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        context: Context,
        root_value: None,
        sub_response: Response,
    ) -> Any:
        """One JSON answer, or a stream, as the request's `Accept` and operation ask
        (`server.graphql_http.negotiation`). A stream holds one of the client's streaming
        places and is started, so the answer's head carries what the operation was charged."""
        if isinstance(request_data, GraphQLRequestData):
            answer = await self._negotiated(request, request_data, context)
            request_data.protocol = _PROTOCOLS[answer]
            if answer != JSON_ANSWER:
                await self._stream_instead(answer)
                results = await super().execute_operation(
                    request, request_adapter, request_data, context, root_value, sub_response
                )
                assert isinstance(results, SubscriptionExecutionResult)
                stream = StartedStream(results)
                hold = _HOLD.get()
                if hold is not None:
                    hold.stream = stream  # stopped when the request ends, however it ends
                slot = current_spending()
                if slot is not None:
                    await stream.started(slot.until_charged())
                return stream
        return await super().execute_operation(
            request, request_adapter, request_data, context, root_value, sub_response
        )

    async def _negotiated(
        self, request: Request, request_data: GraphQLRequestData, context: Context
    ) -> Answer:
        offered = answers(request.headers.get("accept"))
        if not offered.may_stream:
            return JSON_ANSWER
        if offered.operation == offered.subscription:
            return offered.operation  # the same either way: no need to read the document
        subscription = await names_a_subscription(
            self.schema, request_data.query, request_data.operation_name, context
        )
        return offered.for_operation(subscription) or JSON_ANSWER

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> Any:
        """Strawberry's refusals, each with its own status and code."""
        try:
            return await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        except HTTPException as error:
            cause = error.__cause__
            if isinstance(cause, CannotGetOperationTypeError):
                raise RequestError(400, error.reason, OPERATION_RESOLUTION_FAILURE) from cause
            if isinstance(cause, InvalidOperationTypeError):
                if cause.operation_type is OperationType.SUBSCRIPTION:
                    raise RequestError(400, SUBSCRIPTION_NEEDS_A_STREAM, BAD_REQUEST) from cause
                if request_adapter.method == "GET":
                    reason = f"{error.reason}: send it as a POST"
                    raise RequestError(
                        405, reason, METHOD_NOT_ALLOWED, {"Allow": "POST"}
                    ) from cause
            raise

    async def on_ws_connect(self, context: Context) -> Any:
        """A token in `connection_init` must be valid (close 4403 otherwise); none is fine."""
        if context.presented_token() is not None and await context.identity() is None:
            raise ConnectionRejectionError
        return await super().on_ws_connect(context)

    def should_render_graphql_ide(self, request: Any) -> bool:
        """A GET naming a persisted query is an API call, whatever its Accept header."""
        if request.query_params.get("extensions") is not None:
            return False
        return bool(super().should_render_graphql_ide(request))

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        """Our GraphiQL page: assets served locally, example queries as tabs."""
        return HTMLResponse(graphiql_page())

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def parse_json(self, data: str | bytes) -> Any:
        """The body the lane parsed, when it is this one (parsed once per request)."""
        kept = _PARSED_BODY.get()
        if kept is not None and kept[0] is data:
            return kept[1]
        return super().parse_json(data)

    def decode_json(self, data: str | bytes) -> Any:
        return orjson.loads(data)

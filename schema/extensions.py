"""Schema extensions: every error leaves with a stable code and without internals."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from starlette.responses import Response
from strawberry.extensions import MaskErrors, SchemaExtension
from strawberry.relay.types import GlobalIDValueError
from strawberry.types.graphql import OperationType

from core.deadline import DeadlinePassed
from core.failures import DATABASE_UNAVAILABLE, UNAVAILABLE_MESSAGE, database_unavailable
from core.request_context import note, request_id
from core.statement_timeout import StatementTimedOut, is_statement_timeout
from schema.admission import current
from schema.context import Context
from schema.cost import query_cost, too_complex
from schema.rate_limit import charge, rate_limited
from schema.subscriptions.sharing import in_group_stream

logger = logging.getLogger("dpgraph.errors")

TIMEOUT = "TIMEOUT"


# Exceptions raised by the libraries we use that mean "the client sent bad input".
CLIENT_ERRORS: tuple[type[Exception], ...] = (GlobalIDValueError,)


def _is_unexpected(error: GraphQLError) -> bool:
    """An exception that is not a GraphQLError escaped a resolver: a bug, not bad input
    (known failures of the service are answered first: `_known_failure`)."""
    original = error.original_error
    return (
        original is not None
        and not isinstance(original, GraphQLError)
        and not isinstance(original, CLIENT_ERRORS)
        and not is_statement_timeout(original)
    )


def _stopped_statement(error: GraphQLError, context: object) -> GraphQLError:
    """A statement the database stopped at STATEMENT_TIMEOUT_SECONDS: TIMEOUT, and over
    HTTP the answer's status is 504, as for a request past its own deadline."""
    seconds = getattr(getattr(context, "settings", None), "statement_timeout_seconds", 0)
    response = getattr(context, "response", None)
    if isinstance(response, Response):
        response.status_code = 504
    return GraphQLError(
        str(StatementTimedOut(seconds)),
        nodes=error.nodes,
        path=error.path,
        extensions={"code": "TIMEOUT"},
    )


def _known_failure(error: GraphQLError) -> GraphQLError | None:
    """The honest answer for a failure that is the service's, not a bug: a transaction
    the deadline stopped before its commit (TIMEOUT: nothing written), or a database
    that is unreachable (DATABASE_UNAVAILABLE)."""
    original = error.original_error
    if isinstance(original, DeadlinePassed):
        code, message = (
            TIMEOUT,
            "The request ran out of time before this write; nothing was written.",
        )
    elif database_unavailable(original):
        logger.warning("database unavailable at %s: %s", error.path, original)
        code, message = DATABASE_UNAVAILABLE, UNAVAILABLE_MESSAGE
    else:
        return None
    return GraphQLError(
        message,
        error.nodes,
        error.source,
        error.positions,
        error.path,
        extensions={"code": code},
    )


class SafeErrors(MaskErrors):
    """Masks unexpected exceptions and gives each error an `extensions.code`."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_is_unexpected, error_message="Internal server error.")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        logger.error("unexpected error at %s", error.path, exc_info=error.original_error)
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL_SERVER_ERROR"}
        if (rid := request_id()) is not None:  # the log line of this request has it too
            masked.extensions["requestId"] = rid
        return masked

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        context = self.execution_context.context
        errors = [
            _stopped_statement(error, context)
            if is_statement_timeout(error.original_error)
            else _known_failure(error) or error
            for error in errors
        ]
        processed = super()._process_errors(errors)
        for error in processed:
            if not (error.extensions or {}).get("code"):
                error.extensions = {**(error.extensions or {}), "code": _code_for(error)}
        if processed:  # the request's outcome in its log line and metrics
            note(errorCode=(processed[0].extensions or {}).get("code"))
        return processed


def _code_for(error: GraphQLError) -> str:
    if isinstance(error.original_error, CLIENT_ERRORS):
        return "BAD_USER_INPUT"
    if error.message.startswith("Syntax Error"):
        return "GRAPHQL_PARSE_FAILED"
    if error.message.startswith("Variable '$"):  # a variable's value does not fit its type
        return "BAD_USER_INPUT"
    if error.path is None:
        return "GRAPHQL_VALIDATION_FAILED"
    return "INTERNAL_SERVER_ERROR"


class CostLimit(SchemaExtension):
    """Refuses, before it runs, a query that may return more objects than the settings'
    MAX_QUERY_COST (`schema.cost`, QUERY_TOO_COMPLEX), or whose points do not fit in the
    caller's rate-limit budget (`schema.rate_limit`, RATE_LIMITED): never executed. A
    query admitted before the executor was chosen (`schema.admission`) was costed and
    charged there: its refusal, if any, is reported, and nothing is charged again."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        settings = getattr(context.context, "settings", None)
        admission = current(context.query, context.operation_name, context.variables)
        if admission is not None:
            note(cost=admission.cost)
            if admission.refused is not None:
                context.result = GraphQLExecutionResult(data=None, errors=[admission.refused])
        elif settings is not None and context.graphql_document is not None:
            cost = query_cost(
                context.schema._schema,
                context.graphql_document,
                context.operation_name,
                context.variables,
            )
            note(cost=cost.points)
            refused = too_complex(cost.points, settings.max_query_cost)
            if (
                refused is None
                and isinstance(context.context, Context)
                and not in_group_stream()  # its members were charged when they joined
            ):
                budget = await charge(context.context, cost.points)
                if budget is not None and not budget.allowed:
                    refused = rate_limited(budget)
            if refused is not None:
                if context.operation_type is OperationType.SUBSCRIPTION:
                    raise refused  # a stream reports what its hook raises
                context.result = GraphQLExecutionResult(data=None, errors=[refused])
        yield


class FreshLoaders(SchemaExtension):
    """Every operation starts with empty DataLoaders, even on a long-lived WebSocket."""

    def on_operation(self) -> Iterator[None]:
        from loaders import Loaders
        from schema.context import Context, use_loaders

        context = self.execution_context.context
        if isinstance(context, Context):
            use_loaders(Loaders.create(context.db))
        yield

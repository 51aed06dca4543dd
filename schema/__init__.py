"""The GraphQL schema: types, the root Query, errors and extensions.

Not to be confused with the PyPI package called `schema`, which this project never uses.
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterable
from typing import Any, TypeVar

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from core import tracing
from schema.cached_documents import CachedDocuments
from schema.extensions import CostLimit, FreshLoaders, SafeErrors
from schema.limits import Limits
from schema.mutations import Mutation
from schema.query import Query
from schema.subscriptions import Subscription, changed_only
from schema.subscriptions.shared_results import SharedResultsExecutionContext
from schema.subscriptions.sharing import cohort_feed


class Schema(strawberry.Schema):
    """Strawberry's schema with one answer per `execute` (a subscription needs a stream),
    changed-only streams and our extensions. Which executor answers a query is chosen a
    layer above (`execution`): this class is the reference."""

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        """One answer, one result: a subscription needs a stream (WebSocket, SSE, multipart)."""
        allowed = self.allowed_for_one_answer(allowed_operation_types)
        return await self.reference_execute(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            allowed,
            operation_extensions,
        )

    @staticmethod
    def allowed_for_one_answer(
        allowed_operation_types: Iterable[OperationType] | None,
    ) -> set[OperationType]:
        allowed = set(allowed_operation_types or DEFAULT_ALLOWED_OPERATION_TYPES)
        allowed.discard(OperationType.SUBSCRIPTION)
        return allowed

    def reference_execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None,
        context_value: Any | None,
        root_value: Any | None,
        operation_name: str | None,
        allowed: Iterable[OperationType],
        operation_extensions: dict[str, Any] | None = None,
    ) -> Awaitable[ExecutionResult]:
        """Strawberry's own executor: the reference every compiled answer must equal."""
        return super().execute(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            allowed,
            operation_extensions,
        )

    async def stream(self, *args: Any, **kwargs: Any) -> Any:
        """Every transport (WebSocket, SSE, multipart) streams through here: subscription
        results equal to the last one sent for the same object are dropped (a cohort's
        stream leaves that to each member: `server.websocket.cohort`)."""
        results = await super().stream(*args, **kwargs)
        if cohort_feed() is not None:
            return results
        return changed_only(results)

    def get_extensions(self, sync: bool = False) -> list[SchemaExtension]:
        """Strawberry's, with the tracing extension first while traces are on: its
        operation span closes last, once SafeErrors has given each error its code."""
        extensions = super().get_extensions(sync)
        traced = tracing.schema_extension()
        if traced is not None:
            extensions.insert(0, traced)
        return extensions

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Client mistakes are answers, not server faults: SafeErrors logs the real faults."""


S = TypeVar("S", bound=Schema)

EXTENSIONS = (FreshLoaders, Limits, CachedDocuments, CostLimit, SafeErrors)
"""In this order: fresh loaders, the parser's token cap, cached parse and validation
(with the document limits), cost and rate-limit charge, then error codes."""


def make_schema(schema_class: type[S]) -> S:
    """The schema with its protections against expensive or malformed queries, as an
    instance of `schema_class` (`execution.build_schema` builds the one the app serves).

    Build one per process: strawberry's relay `node` fields can be bound to one schema only.
    """
    return schema_class(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        execution_context_class=SharedResultsExecutionContext,
        extensions=list(EXTENSIONS),
    )


__all__ = ["EXTENSIONS", "Schema", "make_schema"]

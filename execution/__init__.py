"""Which executor answers: the compiled plan when it covers the request (`fastpath`),
else Strawberry's reference executor (`schema.Schema`).

The layer above both, so the way goes down: server -> execution -> fastpath -> schema
-> loaders -> core/models; `schema` never imports `fastpath`.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Iterable
from typing import Any

from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from execution.choice import execute
from schema import Schema, make_schema


class CompiledFirst(Schema):
    """`execute` tries the compiled plan, then the reference."""

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

        def reference() -> Awaitable[ExecutionResult]:
            return self.reference_execute(
                query,
                variable_values,
                context_value,
                root_value,
                operation_name,
                allowed,
                operation_extensions,
            )

        return await execute(
            self, query, variable_values, context_value, operation_name, allowed, reference
        )


@functools.cache
def build_schema() -> CompiledFirst:
    """The schema the app serves, built once per process (relay `node` fields bind to
    one schema only)."""
    return make_schema(CompiledFirst)


__all__ = ["CompiledFirst", "build_schema"]

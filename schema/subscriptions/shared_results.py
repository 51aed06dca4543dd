"""Subscribers of one object with the same document and variables get one execution.

Within one delivery every subscription of this process reads the same snapshot (the
delivery's loaders), so two subscriptions with the same query text and variables
resolve to the same result: the first computes it, the others await the same task.
Subscription fields are public reads that do not depend on who asks; a field that
did would have to add the viewer to the key.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import orjson
from graphql import ExecutionResult, OperationType
from graphql.pyutils import RefMap
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from loaders.memo import once
from schema.subscriptions import emission as emissions


class SharedResultsExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def build_per_event_executor(self, payload: Any) -> Any:
        """Each event's executor memoises its own subfields.

        graphql-core's copy shares the subscription's `collect_subfields` memo, keyed by
        the identity of lists made afresh for every event: it grew by a few entries per
        event for as long as the subscription lived.
        """
        executor = super().build_per_event_executor(payload)
        executor._relevant_sub_fields = {}
        executor._stream_usages = RefMap()
        return executor

    def execute_operation(self, serially: bool | None = None) -> Any:
        emission = emissions.peek()
        operation: Any = self.operation
        if (
            emission is None
            or emission.loaders is None
            or operation.operation is not OperationType.SUBSCRIPTION
            or operation.loc is None
        ):
            return super().execute_operation(serially)
        try:
            variables = orjson.dumps(self.variable_values, option=orjson.OPT_SORT_KEYS)
        except TypeError:  # a value orjson cannot key on: compute alone
            return super().execute_operation(serially)
        key = ("result", operation.loc.source.body, variables, emission.key, emission.prime)
        cache = emission.loaders.memo
        shared = cache.get(key)
        if shared is None:
            result = super().execute_operation(serially)
            if not inspect.isawaitable(result):
                return result
            shared = once(cache, key, lambda: result)
        return _copy_of(shared)


async def _copy_of(shared: asyncio.Future[Any]) -> ExecutionResult:
    """Each subscriber gets its own result object (its extensions are its own)."""
    result = await asyncio.shield(shared)
    return ExecutionResult(data=result.data, errors=result.errors, extensions=result.extensions)

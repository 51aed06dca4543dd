"""Subscribers of one object in one cohort get one execution per change batch.

Within one delivery every subscription of this process reads the same snapshot (the
delivery's loaders), so two subscriptions with the same query text, the same values
for the variables their selection reads (`schema.subscriptions.cohorts`: not those of
the root field's arguments, which only choose the objects) and the same permission
class (`schema.permissions.known_read_class`) resolve to the same result for one
object: the first computes it, the others await the same task.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import orjson
from graphql import ExecutionResult, FragmentDefinitionNode, OperationType
from graphql.pyutils import RefMap
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from loaders.memo import once
from schema.permissions import known_read_class
from schema.subscriptions import emission as emissions
from schema.subscriptions.cohorts import selection_variables


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
        body = operation.loc.source.body
        read = selection_variables(body, operation, self._fragment_definitions)
        given = self.variable_values.coerced
        values = {name: given[name] for name in read if name in given}
        try:
            variables = orjson.dumps(values, option=orjson.OPT_SORT_KEYS)
        except TypeError:  # a value orjson cannot key on: compute alone
            return super().execute_operation(serially)
        viewer = known_read_class(self.context_value)
        name = operation.name.value if operation.name else None
        key = ("result", body, name, variables, viewer, emission.key, emission.prime)
        cache = emission.loaders.memo
        shared = cache.get(key)
        if shared is None:
            result = super().execute_operation(serially)
            if not inspect.isawaitable(result):
                if emission.prime or not isinstance(result, ExecutionResult):
                    return result  # a baseline's loaders outlive it (`EventHub.shared_loaders`)
                # A change resolved at once (every value was in the batch's loaders already):
                # kept too, or each other stream of this key (a webhook cohort's beside a
                # WebSocket one's) resolves it again.
                shared = asyncio.get_running_loop().create_future()
                shared.set_result(result)
                cache[key] = shared
                return _copy(result)
            shared = once(cache, key, lambda: result)
        if shared.done() and not shared.cancelled() and shared.exception() is None:
            return _copy(shared.result())  # most members: computed already, no await
        return _copy_of(shared)

    def _fragment_definitions(self) -> dict[str, FragmentDefinitionNode]:
        return {name: details.definition for name, details in self.fragments.items()}


async def _copy_of(shared: asyncio.Future[Any]) -> ExecutionResult:
    return _copy(await asyncio.shield(shared))


def _copy(result: ExecutionResult) -> ExecutionResult:
    """Each subscriber gets its own result object (its extensions are its own)."""
    return ExecutionResult(data=result.data, errors=result.errors, extensions=result.extensions)

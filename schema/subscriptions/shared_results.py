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
        if emission.result is not None:  # read for the whole batch (`Emission.result`)
            return self._compiled(emission.result, serially)
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
                return result
            shared = once(cache, key, lambda: result)
        if shared.done() and not shared.cancelled() and shared.exception() is None:
            return _copy(shared.result())  # most members: computed already, no await
        return _copy_of(shared)

    def _compiled(self, data: Any, serially: bool | None) -> Any:
        """The compiled read's result; under COMPILED_DIFFERENTIAL, checked against
        Strawberry's own execution of the object first (a difference raises)."""
        settings = getattr(self.context_value, "settings", None)
        if settings is None or not settings.compiled_differential:
            return ExecutionResult(data=data, errors=None)
        reference = super().execute_operation(serially)
        if inspect.isawaitable(reference):
            return _checked(data, reference)
        return _check(data, reference)

    def _fragment_definitions(self) -> dict[str, FragmentDefinitionNode]:
        return {name: details.definition for name, details in self.fragments.items()}


async def _copy_of(shared: asyncio.Future[Any]) -> ExecutionResult:
    return _copy(await asyncio.shield(shared))


def _copy(result: ExecutionResult) -> ExecutionResult:
    """Each subscriber gets its own result object (its extensions are its own)."""
    return ExecutionResult(data=result.data, errors=result.errors, extensions=result.extensions)


async def _checked(data: Any, reference: Any) -> ExecutionResult:
    return _check(data, await reference)


def _check(data: Any, reference: Any) -> ExecutionResult:
    if reference.errors or orjson.dumps(reference.data) != orjson.dumps(data):
        raise AssertionError(
            f"a cohort's compiled result differs from Strawberry's: {orjson.dumps(data)!r}, "
            f"{orjson.dumps(reference.data)!r} ({reference.errors})"
        )
    return ExecutionResult(data=data, errors=None)

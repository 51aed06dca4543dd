"""Subscribers of one object in one cohort get one execution per change batch.

Within one delivery every subscription of this process reads the same snapshot (the
delivery's loaders), so two subscriptions with the same query text, the same values
for the variables their selection reads (`schema.subscriptions.cohorts`: not those of
the root field's arguments, which only choose the objects) and the same permission
class (`schema.permissions.known_read_class`) resolve to the same result for one
object: the first computes it, the others await the same task. A cohort's stream may
bring it already, read for the whole batch by the compiled path (`Emission.result`).
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Hashable
from contextlib import nullcontext
from typing import Any

import orjson
from graphql import ExecutionResult, FragmentDefinitionNode, OperationType
from graphql.pyutils import RefMap
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from loaders import Loaders
from loaders.memo import once
from schema.context import use_loaders
from schema.permissions import known_read_class
from schema.subscriptions import emission as emissions
from schema.subscriptions.cohorts import selection_variables
from schema.subscriptions.compiled_check import check
from schema.subscriptions.emission import Emission
from schema.subscriptions.sharing import cohort_feed


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
        if shared is None and emission.result is not None:  # read for the whole batch
            compiled = self._compiled(emission, cache, key)
            if not isinstance(compiled, asyncio.Future):
                return compiled  # a baseline's: not kept, as below
            shared = compiled
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

    def _compiled(self, emission: Emission, cache: dict[Hashable, Any], key: Hashable) -> Any:
        """The compiled read's result as the shared one (a stream of its own with this
        document shares it too; a baseline's is not kept); under COMPILED_DIFFERENTIAL,
        once Strawberry's own execution of the object agrees
        (`schema.subscriptions.compiled_check`)."""
        settings = getattr(self.context_value, "settings", None)
        differential = settings is not None and settings.compiled_differential
        if emission.prime:
            return self._checked(emission) if differential else _compiled_result(emission)
        if differential:
            return once(cache, key, lambda: self._checked(emission))
        done: asyncio.Future[ExecutionResult] = asyncio.get_running_loop().create_future()
        done.set_result(_compiled_result(emission))
        cache[key] = done
        return done

    async def _checked(self, emission: Emission) -> ExecutionResult:
        """Strawberry's result on loaders of its own and the object loaded afresh, all
        read after the compiled result."""
        feed = cohort_feed()
        with feed.checking() if feed is not None else nullcontext():
            fresh = Loaders.create(self.context_value.db)
            self.root_value = await emission.load(emission.key, fresh)
            if self.root_value is None:  # gone meanwhile: nothing to compare
                return _compiled_result(emission)
            use_loaders(fresh)
            try:
                reference = super().execute_operation()
                if inspect.isawaitable(reference):
                    reference = await reference
            finally:
                assert emission.loaders is not None  # `execute_operation` checked it
                use_loaders(emission.loaders)
            await check(emission, reference)
        return _compiled_result(emission)

    def _fragment_definitions(self) -> dict[str, FragmentDefinitionNode]:
        return {name: details.definition for name, details in self.fragments.items()}


def _compiled_result(emission: Emission) -> ExecutionResult:
    return ExecutionResult(data=emission.result, errors=None)


async def _copy_of(shared: asyncio.Future[Any]) -> ExecutionResult:
    return _copy(await asyncio.shield(shared))


def _copy(result: ExecutionResult) -> ExecutionResult:
    """Each subscriber gets its own result object (its extensions are its own)."""
    return ExecutionResult(data=result.data, errors=result.errors, extensions=result.extensions)

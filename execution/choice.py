"""The executor choice, once per request: admit the query (`schema.admission`), give it to
the compiled executor (`fastpath`), and when that declines, run the reference inside the
admission, so Strawberry's extensions take it as it is instead of admitting it again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

import fastpath
from fastpath import Fallback, Refused
from fastpath.record import RECORDER, Outcome
from ratelimit import spending
from schema.admission import Admission, admit, admitted, admitting
from schema.context import Context

Reference = Callable[[], Awaitable[ExecutionResult]]
Answer = dict[str, Any] | Refused | Fallback


def compilable(
    query: str | None, context: Any, allowed: Iterable[OperationType], operation_name: Any
) -> bool:
    """A request the compiled executor may take (else Strawberry takes it, unrecorded):
    compiled execution on, a query allowed, an operation name the reference would accept."""
    return (
        bool(query)
        and isinstance(context, Context)
        and context.settings.compiled_execution
        and OperationType.QUERY in allowed
        and isinstance(operation_name, str | None)  # the reference refuses it clearly
    )


async def compiled(
    schema: Any,
    query: str,
    variables: dict[str, Any] | None,
    context: Context,
    operation_name: str | None,
    reference: Reference,
) -> tuple[Admission, Answer]:
    """The request's admission and the compiled executor's answer to it (a `Fallback` is
    recorded, and kept on the admission as `declined`)."""
    admission = await admit(schema, query, variables, context, operation_name)

    def admitted_reference() -> Awaitable[ExecutionResult]:
        return _within(admission, reference)

    answer = await fastpath.compiled_answer(schema, admission, context, admitted_reference)
    if isinstance(answer, Fallback):
        admission.declined = answer.reason
        RECORDER.record(Outcome(query, operation_name, compiled=False, reason=answer.reason))
    return admission, answer


async def _within(admission: Admission, reference: Reference) -> ExecutionResult:
    with admitting(admission):
        return await reference()


async def execute(
    schema: Any,
    query: str | None,
    variables: dict[str, Any] | None,
    context: Any,
    operation_name: str | None,
    allowed: Iterable[OperationType],
    reference: Reference,
) -> ExecutionResult:
    """The compiled answer when the plan covers the request, else the reference's."""
    with spending():  # one charge, whichever path answers
        lane = admitted(query, operation_name, variables)
        if lane is not None and lane.declined is not None:
            return await reference()  # the HTTP lane admitted it, and its executor declined
        if query is None or not compilable(query, context, allowed, operation_name):
            return await reference()
        admission, answer = await compiled(
            schema, query, variables, context, operation_name, reference
        )
        if isinstance(answer, Refused):
            return ExecutionResult(data=None, errors=answer.errors, extensions={})
        if not isinstance(answer, Fallback):
            return ExecutionResult(data=answer, errors=None, extensions={})
        return await _within(admission, reference)


__all__ = ["compilable", "compiled", "execute"]

"""The compiled executor: an admitted query (`schema.admission`) whose document is
supported is answered from a plan built once per document (batched Core statements over
one connection, plain dicts out); everything else goes to Strawberry.

`compiled_answer` is the entry point (`execution` chooses the executor and calls it),
`fastpath.record.RECORDER` records which path answered.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError
from strawberry.types import ExecutionResult

from core import tracing
from core.failures import database_unavailable
from core.request_context import note
from core.statement_timeout import StatementTimedOut, is_statement_timeout
from fastpath.cache import PLANS
from fastpath.connection import checkout
from fastpath.differential import compare
from fastpath.execute import new_env, run_plan
from fastpath.plan import Abort, Plan
from fastpath.record import RECORDER, Outcome
from fastpath.switches import Switched
from schema.admission import NOT_A_QUERY, Admission
from schema.context import Context
from schema.limits import DocumentLimits
from schema.variable_lists import BAD_USER_INPUT

logger = logging.getLogger("dpgraph.fastpath")

Reference = Callable[[], Awaitable[ExecutionResult]]
_PLAN_SPAN = {"dpgraph.executor": "compiled"}


@dataclass(frozen=True)
class Fallback:
    """The reference executor answers; `reason` is recorded."""

    reason: str


@dataclass(frozen=True)
class Refused:
    """graphql-core refused to coerce the request's variables (`schema.admission`): these
    errors are the answer, as Strawberry's would be, and Strawberry never walks the
    variables again."""

    errors: list[GraphQLError]


async def compiled_answer(
    schema: Any, admission: Admission, context: Context, reference: Reference
) -> dict[str, Any] | Fallback | Refused:
    """The `data` of the compiled answer to an admitted query (recorded, and compared with
    the reference's under COMPILED_DIFFERENTIAL), the refusal of its variables, or why
    the reference executor must answer (a refused admission: the reference reports it)."""
    if admission.why is not None:
        return Fallback(admission.why)  # the reference reports the refusal
    if admission.operation is None:
        return Fallback(NOT_A_QUERY)
    query, operation_name = admission.query, admission.operation_name
    limits = DocumentLimits.of(context)
    entry = PLANS.get(schema, query, operation_name, context.db.dialect, limits)
    if isinstance(entry, Switched):
        switches = entry.values(schema, admission.variables)
        if switches is None:
            return Fallback("directive variables")  # the reference refuses them
        entry = PLANS.get(schema, query, operation_name, context.db.dialect, limits, switches)
    if not isinstance(entry, Plan):
        return Fallback(entry.reason)
    variables = admission.coerced
    if isinstance(variables, list):  # answered here: the reference would walk them again
        RECORDER.record(Outcome(query, operation_name, compiled=True))
        return _refused(variables)
    differential = context.settings.compiled_differential
    db = context.db
    tracing.operation("query", entry.operation_name)
    try:
        with tracing.span("plan", _PLAN_SPAN, expected=(Abort,)):
            if entry.reads_database:
                async with checkout(db.engine) as conn:
                    data = await run_plan(entry, new_env(conn, db.dialect, variables, schema))
            else:  # `{ __typename }`: no connection to check out
                data = await run_plan(entry, new_env(None, db.dialect, variables, schema))
    except Abort as abort:
        return Fallback(f"aborted: {abort}")
    except Exception as error:
        if _being_cancelled():  # the client left or time ran out: no reference run for it
            raise asyncio.CancelledError from error
        if is_statement_timeout(error):  # the reference would only run it again
            raise StatementTimedOut(context.settings.statement_timeout_seconds) from error
        if database_unavailable(error):  # not the plan's fault: the reference retries
            logger.warning("compiled plan lost its connection: %s", error)
            return Fallback("connection lost")
        if differential:
            raise
        logger.exception("compiled plan failed; answering with the reference executor")
        return Fallback("plan failed")
    RECORDER.record(Outcome(query, operation_name, compiled=True))
    if differential:
        await compare(query, data, reference)
    return data


def _being_cancelled() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def _refused(errors: list[GraphQLError]) -> Refused:
    """Each with BAD_USER_INPUT, as `schema.extensions.SafeErrors` codes them."""
    for error in errors:
        error.extensions = {**(error.extensions or {}), "code": BAD_USER_INPUT}
    note(errorCode=BAD_USER_INPUT)
    return Refused(errors)


__all__ = ["PLANS", "RECORDER", "Fallback", "Refused", "compiled_answer"]

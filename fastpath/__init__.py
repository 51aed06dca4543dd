"""The compiled execution path: supported query documents are answered from a plan built
once per document (batched Core statements over one connection, plain dicts out);
everything else, and every request that is not the happy path, goes to Strawberry.

See `execute` for the entry point (and `compiled_answer` for the HTTP lane in
`server.graphql_http.graphql_app`), `fastpath.record.RECORDER` for which path answered.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError
from graphql.execution.values import get_variable_values
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

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
from ratelimit import spending
from schema.context import Context
from schema.cost import query_cost
from schema.documents import prepare
from schema.limits import DocumentLimits
from schema.rate_limit import charge
from schema.refusal_cost import spent
from schema.trusted import untrusted
from schema.variable_check import refused_variables
from schema.variable_lists import BAD_USER_INPUT, long_list_refusal

logger = logging.getLogger("dpgraph.fastpath")

Reference = Callable[[], Awaitable[ExecutionResult]]
_PLAN_SPAN = {"dpgraph.executor": "compiled"}


@dataclass(frozen=True)
class Fallback:
    """The reference executor answers: `reason` is recorded; None: not a compiled request
    at all (compiled execution off, no query, not a query operation), nothing recorded."""

    reason: str | None


@dataclass(frozen=True)
class Refused:
    """The request's variables are refused (`schema.variable_check` before coercion, or
    graphql-core's coercion): these errors are the answer, as Strawberry's would be, and
    Strawberry never walks the variables again."""

    errors: list[GraphQLError]


async def compiled_answer(
    schema: Any,
    query: str | None,
    variable_values: dict[str, Any] | None,
    context: Any,
    operation_name: str | None,
    allowed: Iterable[OperationType],
    reference: Reference,
) -> dict[str, Any] | Fallback | Refused:
    """The `data` of the compiled answer (recorded, and compared with the reference's under
    COMPILED_DIFFERENTIAL), the refusal of its variables, or why the reference executor
    must answer."""
    if (
        not query
        or not isinstance(context, Context)
        or not context.settings.compiled_execution
        or OperationType.QUERY not in allowed
        or not isinstance(operation_name, str | None)  # the reference refuses it clearly
    ):
        return Fallback(None)
    if untrusted(query, context.settings) is not None:
        return Fallback("not a trusted document")  # the reference refuses it
    if long_list_refusal(variable_values) is not None:
        return Fallback("a long variable list")  # the reference refuses it
    if await spent(context) is not None:
        return Fallback("rate limited")  # the reference refuses it, before parsing
    limits = DocumentLimits.of(context)
    await prepare(schema, query, limits, context.settings)  # a long new one: off the loop
    entry = PLANS.get(schema, query, operation_name, context.db.dialect, limits)
    if isinstance(entry, Switched):
        switches = entry.values(schema, variable_values)
        if switches is None:
            return Fallback("directive variables")  # the reference refuses them
        entry = PLANS.get(schema, query, operation_name, context.db.dialect, limits, switches)
    if not isinstance(entry, Plan):
        return Fallback(entry.reason)
    points = entry.cost
    if points is None and entry.document is not None:
        points = query_cost(schema._schema, entry.document, operation_name, variable_values).points
    note(cost=points)
    if points is not None and points > context.settings.max_query_cost:
        return Fallback("over the cost limit")  # the reference refuses it (QUERY_TOO_COMPLEX)
    budget = await charge(context, points)
    if budget is not None and not budget.allowed:
        return Fallback("rate limited")  # the reference refuses it (RATE_LIMITED), uncharged
    refused = refused_variables(schema._schema, entry.variable_definitions, variable_values)
    variables = (
        [refused]
        if refused is not None
        else get_variable_values(schema._schema, entry.variable_definitions, variable_values or {})
    )
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


def _refused(errors: list[GraphQLError]) -> Refused:
    """Each with BAD_USER_INPUT, as `schema.extensions.SafeErrors` codes them."""
    for error in errors:
        error.extensions = {**(error.extensions or {}), "code": BAD_USER_INPUT}
    note(errorCode=BAD_USER_INPUT)
    return Refused(errors)


async def execute(
    schema: Any,
    query: str | None,
    variable_values: dict[str, Any] | None,
    context: Any,
    operation_name: str | None,
    allowed: Iterable[OperationType],
    reference: Reference,
) -> ExecutionResult:
    """The compiled answer when the plan covers the request, else the reference's."""
    with spending():  # one charge, whichever path answers
        answer = await compiled_answer(
            schema, query, variable_values, context, operation_name, allowed, reference
        )
        if isinstance(answer, Refused):
            return ExecutionResult(data=None, errors=answer.errors, extensions={})
        if not isinstance(answer, Fallback):
            return ExecutionResult(data=answer, errors=None, extensions={})
        if answer.reason is None or not query:
            return await reference()
        return await _fallback(query, operation_name, answer.reason, reference)


async def _fallback(
    query: str, operation_name: str | None, reason: str, reference: Reference
) -> ExecutionResult:
    RECORDER.record(Outcome(query, operation_name, compiled=False, reason=reason))
    return await reference()


__all__ = ["PLANS", "RECORDER", "Fallback", "Refused", "compiled_answer", "execute"]

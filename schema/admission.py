"""One admission per request: whether a query document may run, decided once.

In the order the reference's extensions apply them (`schema.cached_documents`, then
`schema.extensions.CostLimit`): trusted documents, a rate-limit budget spent by refusals,
parse (cached), long variable lists, document limits, validation (cached), the variable
check, then a refusal's charge; for a document that passes, its cost, QUERY_TOO_COMPLEX,
the rate-limit charge and the coerced variables. The result, an `Admission`, is what
either executor takes: the compiled one runs it, and the reference's extensions find it
(`current`) and report its refusal without doing the work or charging again.

Only query operations are admitted here. A mutation, a subscription or a document whose
operation cannot be told goes through the reference's extensions as before: Strawberry
checks its operation type between parsing and validation, and a refused type (a mutation
over GET) is never validated nor charged.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
)
from graphql.execution.values import VariableValues, get_variable_values
from graphql.utilities import get_operation_ast

from core.request_context import note
from schema.context import Context
from schema.cost import query_cost, too_complex
from schema.documents import Checked, parsed, prepare, stand_in, validated
from schema.limits import DocumentLimits, refusal
from schema.rate_limit import charge, rate_limited
from schema.refusal_cost import charge_refusal, spent
from schema.trusted import untrusted
from schema.variable_check import refused_operation_variables
from schema.variable_lists import long_list_refusal

NOT_A_QUERY = "not a single query operation"


@dataclass
class Admission:
    """One request's admission. `errors`: the refusal before execution (as validation
    errors are); `refused`: QUERY_TOO_COMPLEX or RATE_LIMITED, before execution too;
    `why`: the short reason either refusal is recorded with. `operation` is set for a
    query that reached the cost check; `coerced`, for one admitted: its variables, or
    graphql-core's errors coercing them. Neither errors nor an operation: not a query,
    the reference admits it itself."""

    query: str
    operation_name: str | None
    variables: dict[str, Any] | None
    checked: Checked | None = None
    errors: list[GraphQLError] = field(default_factory=list)
    why: str | None = None
    operation: OperationDefinitionNode | None = None
    cost: int | None = None
    refused: GraphQLError | None = None
    coerced: VariableValues | list[GraphQLError] | None = None
    declined: str | None = None  # why the compiled executor left it to the reference

    @property
    def decided(self) -> bool:
        """Refused, or a query that reached the cost check: the reference reuses it."""
        return bool(self.errors) or self.operation is not None

    @property
    def document(self) -> DocumentNode:
        """What the reference executes: the document, or a stand-in for one refused
        before it was parsed (never run: its errors are the answer)."""
        if self.checked is not None:
            return self.checked.document
        return stand_in(self.operation_name)

    def matches(self, query: str | None, operation_name: Any, variables: Any) -> bool:
        return (
            query == self.query
            and operation_name == self.operation_name
            and (variables or None) == (self.variables or None)
        )


async def admit(
    schema: Any,
    query: str,
    variables: dict[str, Any] | None,
    context: Context,
    operation_name: str | None,
) -> Admission:
    """The request's admission; a refusal is charged as the reference would charge it."""
    admission = Admission(query, operation_name, variables)
    settings = context.settings
    error = untrusted(query, settings)
    admission.why = "not a trusted document" if error else None
    charged = False
    if error is None:
        error = await spent(context)  # not even parsed for a client out of budget
        charged = error is not None
        admission.why = "rate limited" if error else None
    errors = [error] if error is not None else []
    if not errors:
        await prepare(schema, query, DocumentLimits.of(context), settings)  # long: off the loop
        entry = parsed(query)
        if isinstance(entry, GraphQLError):
            errors, admission.why = [entry], "syntax error"
        else:
            admission.checked = entry
            operation = get_operation_ast(entry.document, operation_name)
            if operation is None or operation.operation is not OperationType.QUERY:
                return admission  # the reference's extensions admit it
            errors = _before_execution(schema, admission, entry, context)
            admission.operation = None if errors else operation
    if errors:
        admission.errors = errors
        if not charged:
            work = admission.checked.work if admission.checked is not None else 0.0
            out = await charge_refusal(context, query, work)
            admission.errors = [out] if out is not None else errors
        return admission
    await _charge(schema, admission, context)
    return admission


def _before_execution(
    schema: Any, admission: Admission, entry: Checked, context: Context
) -> list[GraphQLError]:
    """The refusal of a parsed query, in CachedDocuments' order (empty: none)."""
    long_list = long_list_refusal(admission.variables)
    if long_list is not None:
        admission.why = "a long variable list"
        return [long_list]
    over = refusal(entry.size, DocumentLimits.of(context))
    if over is not None:
        admission.why = "over the document limits"
        return [over]
    errors = validated(schema, entry, context.settings)
    if errors:
        admission.why = "invalid document"
        return list(errors)
    variables = refused_operation_variables(
        schema._schema, entry.document, admission.operation_name, admission.variables
    )
    if variables is not None:
        admission.why = "refused variables"
        return [variables]
    return []


async def _charge(schema: Any, admission: Admission, context: Context) -> None:
    """Cost, QUERY_TOO_COMPLEX, the rate-limit charge and the coerced variables."""
    entry, operation = admission.checked, admission.operation
    assert entry is not None and operation is not None
    points = _cost(schema, entry, admission.operation_name, admission.variables)
    admission.cost = points
    note(cost=points)
    refused = too_complex(points, context.settings.max_query_cost)
    admission.why = "over the cost limit" if refused else None
    if refused is None:
        budget = await charge(context, points)
        if budget is not None and not budget.allowed:
            refused, admission.why = rate_limited(budget), "rate limited"
    admission.refused = refused
    if refused is None:
        definitions = operation.variable_definitions
        # No definitions: graphql-core coerces nothing and ignores what was sent.
        admission.coerced = (
            get_variable_values(schema._schema, definitions, admission.variables or {})
            if definitions
            else VariableValues({}, {})
        )


def _cost(
    schema: Any, entry: Checked, operation_name: str | None, variables: dict[str, Any] | None
) -> int:
    """The operation's cost, kept on the document while it does not read variables."""
    known = entry.costs.get(operation_name)
    if known is not None:
        return known
    cost = query_cost(schema._schema, entry.document, operation_name, variables)
    if not cost.reads_variables:
        entry.costs[operation_name] = cost.points
    return cost.points


_CURRENT: ContextVar[Admission | None] = ContextVar("dpgraph_admission", default=None)


def current(query: str | None, operation_name: Any, variables: Any) -> Admission | None:
    """The admission made for this request, if one was and it says something."""
    admission = _CURRENT.get()
    if admission is None or not admission.decided:
        return None
    return admission if admission.matches(query, operation_name, variables) else None


def admitted(query: str | None, operation_name: Any, variables: Any) -> Admission | None:
    """The admission made for this request, decided or not (`current`: decided only)."""
    admission = _CURRENT.get()
    if admission is None or not admission.matches(query, operation_name, variables):
        return None
    return admission


@contextmanager
def admitting(admission: Admission | None) -> Iterator[None]:
    """The reference executor, run inside, finds `admission` (a context variable: one
    per task, so concurrent operations on one WebSocket never see each other's)."""
    token = _CURRENT.set(admission)
    try:
        yield
    finally:
        _CURRENT.reset(token)


__all__ = ["NOT_A_QUERY", "Admission", "admit", "admitted", "admitting", "current"]

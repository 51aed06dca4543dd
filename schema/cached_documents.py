"""The reference's admission of a document, as a Strawberry extension: parse and validate
once (`schema.documents`), refuse before any validation rule walks a document over the
request's limits (`schema.limits`), charge a refusal (`schema.refusal_cost`).

A query the request already admitted (`schema.admission`, made before the executor was
chosen) is not admitted again: its document and its refusal are taken as they are, and
nothing is charged twice. Mutations, subscriptions and requests run without it (a
WebSocket's, a test's `schema.execute`) are admitted here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from schema.admission import Admission, current
from schema.context import Context
from schema.documents import Checked, parsed, prepare, stand_in, validated
from schema.limits import DocumentLimits, refusal
from schema.refusal_cost import charge_refusal, spent
from schema.trusted import untrusted
from schema.variable_check import refused_operation_variables
from schema.variable_lists import long_list_refusal


class CachedDocuments(SchemaExtension):
    """Parses, measures and validates a document once; refuses one over the request's
    limits (`schema.limits`) before any validation rule walks it. Validation is ours,
    not Strawberry's: its rules plus the settings' FIELD_SUGGESTIONS and INTROSPECTION."""

    _hit: Checked | None = None
    _refused: GraphQLError | None = None  # not trusted, or a syntax error
    _charged: bool = False  # refused as out of budget: nothing more to charge
    _admitted: Admission | None = None  # admitted before the executor was chosen

    async def on_parse(self) -> AsyncIterator[None]:
        context = self.execution_context
        self._admitted = current(context.query, context.operation_name, context.variables)
        if self._admitted is not None:  # Strawberry's own parse is skipped
            context.graphql_document = self._admitted.document
        elif context.query:
            settings = getattr(context.context, "settings", None)
            self._refused = untrusted(context.query, settings)
            if self._refused is None and isinstance(context.context, Context):
                # Not even parsed for a client whose refusals spent its budget.
                self._refused = await spent(context.context)
                self._charged = self._refused is not None
            if self._refused is None:
                limits = DocumentLimits.of(context.context)
                await prepare(context.schema, context.query, limits, settings)
                entry = parsed(context.query)
                if isinstance(entry, Checked):  # Strawberry's own parse is skipped
                    self._hit = entry
                    context.graphql_document = entry.document
                else:
                    self._refused = entry
            if self._refused is not None:  # reported in on_validate; nothing is parsed again
                context.graphql_document = stand_in(context.operation_name)
        yield

    async def on_validate(self) -> AsyncIterator[None]:
        context = self.execution_context
        if self._admitted is not None:  # refused and charged already, or admitted
            context.pre_execution_errors = list(self._admitted.errors)
            yield
            return
        entry = self._hit
        long_list = long_list_refusal(context.variables)
        if self._refused is not None:
            context.pre_execution_errors = [self._refused]
        elif long_list is not None:
            context.pre_execution_errors = [long_list]
        elif entry is not None:
            refused = refusal(entry.size, DocumentLimits.of(context.context))
            settings = getattr(context.context, "settings", None)
            errors = [refused] if refused else validated(context.schema, entry, settings)
            if not errors:
                variables = refused_operation_variables(
                    context.schema._schema,
                    entry.document,
                    context.operation_name,
                    context.variables,
                )
                errors = [variables] if variables else errors
            context.pre_execution_errors = list(errors)  # Strawberry's validation is skipped
        if (
            context.pre_execution_errors
            and not self._charged
            and isinstance(context.context, Context)
        ):
            work = entry.work if entry is not None else 0.0
            out = await charge_refusal(context.context, context.query or "", work)
            if out is not None:
                context.pre_execution_errors = [out]
        yield


__all__ = ["CachedDocuments"]

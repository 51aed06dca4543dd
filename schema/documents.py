"""Each distinct document is parsed and validated once per process, not once per request.

Parsing and validating a page-sized document costs milliseconds; a frontend sends the
same few documents over and over. The outcome depends on the document text alone: the
parse options and the validation rules are fixed, so the text is the whole key; only the
size limits come from the request's settings, compared with the cached size each time.
Bounded in bytes (DOCUMENT_CACHE_BYTES: each entry costs its text and an estimate of
its parsed form), least recently used first out; a document larger than the whole
budget is not kept.

A long document seen for the first time is parsed and validated on one worker thread,
not on the event loop: graphql-core's overlapping-fields rule is quadratic, and a 12 KB
document of 600 `grids { slug title }` held the loop for 1.2 s (`/healthz` with it).
On the thread the loop goes on serving (the interpreter hands it the GIL every few
milliseconds), and one thread bounds what such documents can take from the process.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import strawberry.schema.schema as strawberry_schema
from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    NoSchemaIntrospectionCustomRule,
    parse,
    specified_rules,
    validate,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from core.byte_lru import ByteLRU, document_bytes
from core.garbage import parsed_bytes
from schema.context import Context
from schema.document_size import Size, measure
from schema.limits import MAX_TOKENS, DocumentLimits, refusal
from schema.refusal_cost import charge_refusal, spent
from schema.trusted import untrusted
from schema.variable_check import refused_operation_variables
from schema.variable_lists import long_list_refusal

DEFAULT_BUDGET = 64 * 1024 * 1024
OFF_LOOP_BYTES = 4096
"""A new document this long or longer is parsed and validated off the event loop (the
GraphiQL introspection query is 1.6 KB; the longest parses here take a few ms)."""

_VALIDATION_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dpgraph-validate")


@dataclass
class Checked:
    """A parsed document, its size, and its validation errors once validated (None
    before: a document refused for its size is never validated)."""

    document: DocumentNode
    size: Size
    errors: tuple[GraphQLError, ...] | None = None
    variant: tuple[bool, bool] | None = None  # (suggestions, introspection) of `errors`
    work: float = 0.0  # seconds its parse and validation took (a refusal is charged them)


class DocumentCache:
    """Shared by the event loop and the validation thread (`ByteLRU` locks)."""

    def __init__(self, budget: int = DEFAULT_BUDGET) -> None:
        self._entries: ByteLRU[str, Checked | GraphQLError] = ByteLRU(budget)

    @property
    def budget(self) -> int:
        return self._entries.budget

    @budget.setter
    def budget(self, value: int) -> None:
        """Set from DOCUMENT_CACHE_BYTES by the app; what is kept now is kept."""
        self._entries.budget = value

    @property
    def used(self) -> int:
        return self._entries.used

    def get(self, text: str) -> Checked | GraphQLError | None:
        return self._entries.get(text)

    def put(self, text: str, entry: Checked | GraphQLError) -> None:
        self._entries.put(text, entry, document_bytes(text))

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        self._entries.clear()


DOCUMENTS = DocumentCache()


def parsed(text: str) -> Checked | GraphQLError:
    """The document parsed and measured, or its syntax error (both cached: a 5,000-token
    document that fails to parse costs 60 ms to parse again)."""
    hit = DOCUMENTS.get(text)
    if hit is not None:
        return hit
    started = time.perf_counter()
    parsed_bytes(len(text))
    try:
        document = strawberry_schema.parse(text, max_tokens=MAX_TOKENS)  # type: ignore[attr-defined]
    except GraphQLError as error:
        DOCUMENTS.put(text, error)
        return error
    entry = Checked(document, measure(document))
    entry.work = time.perf_counter() - started
    DOCUMENTS.put(text, entry)
    return entry


def _rules(introspection: bool) -> tuple[type[ASTValidationRule], ...]:
    rules = (*specified_rules, MaybeNullValidationRule, OneOfInputValidationRule)
    return rules if introspection else (*rules, NoSchemaIntrospectionCustomRule)


def validated(schema: Any, entry: Checked, settings: Any) -> tuple[GraphQLError, ...]:
    """The document's validation errors under the settings' FIELD_SUGGESTIONS and
    INTROSPECTION (kept for the variant last asked: one, in practice)."""
    variant = _variant(settings)
    suggestions, introspection = variant
    if entry.errors is None or entry.variant != variant:
        started = time.perf_counter()
        entry.errors = tuple(
            validate(
                schema._schema,
                entry.document,
                _rules(introspection),
                hide_suggestions=not suggestions,
            )
        )
        entry.variant = variant
        entry.work += time.perf_counter() - started
    return entry.errors


def _variant(settings: Any) -> tuple[bool, bool]:
    return (
        bool(getattr(settings, "field_suggestions", False)),
        bool(getattr(settings, "introspection", True)),
    )


async def prepare(schema: Any, text: str, limits: DocumentLimits, settings: Any) -> None:
    """Parse, measure and validate a long new document on the validation thread, so the
    synchronous `parsed` and `validated` that follow find it done. A document refused
    for its size is not validated."""
    if len(text) < OFF_LOOP_BYTES:
        return
    entry = DOCUMENTS.get(text)
    if isinstance(entry, GraphQLError) or (
        entry is not None and (entry.errors is not None or refusal(entry.size, limits))
    ):
        return
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(_VALIDATION_THREAD, _prepare, schema, text, limits, settings)


def _prepare(schema: Any, text: str, limits: DocumentLimits, settings: Any) -> None:
    entry = parsed(text)
    if isinstance(entry, Checked) and refusal(entry.size, limits) is None:
        validated(schema, entry, settings)


_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")


def _stand_in(operation_name: str | None) -> DocumentNode:
    """A document standing in for one refused before parsing (never run), with an
    operation of the requested name so the name resolves."""
    if operation_name is not None and _NAME.fullmatch(operation_name):
        return parse(f"query {operation_name} {{ __typename }}")
    return parse("{ __typename }")


class CachedDocuments(SchemaExtension):
    """Parses, measures and validates a document once; refuses one over the request's
    limits (`schema.limits`) before any validation rule walks it. Validation is ours,
    not Strawberry's: its rules plus the settings' FIELD_SUGGESTIONS and INTROSPECTION."""

    _hit: Checked | None = None
    _refused: GraphQLError | None = None  # not trusted, or a syntax error
    _charged: bool = False  # refused as out of budget: nothing more to charge

    async def on_parse(self) -> AsyncIterator[None]:
        context = self.execution_context
        if context.query:
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
                context.graphql_document = _stand_in(context.operation_name)
        yield

    async def on_validate(self) -> AsyncIterator[None]:
        context = self.execution_context
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


__all__ = [
    "DOCUMENTS",
    "CachedDocuments",
    "Checked",
    "DocumentCache",
    "parsed",
    "validate",  # graphql-core's, named here so tests can count validations
    "validated",
]

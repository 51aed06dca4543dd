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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
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
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from core.byte_lru import ByteLRU, document_bytes
from core.garbage import parsed_bytes
from schema.document_size import Size, measure
from schema.limits import MAX_TOKENS, DocumentLimits, refusal

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
    # The cost of each operation name that does not read variables (`schema.admission`).
    costs: dict[str | None, int] = field(default_factory=dict)


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


def stand_in(operation_name: str | None) -> DocumentNode:
    """A document standing in for one refused before parsing (never run), with an
    operation of the requested name so the name resolves."""
    if operation_name is not None and _NAME.fullmatch(operation_name):
        return parse(f"query {operation_name} {{ __typename }}")
    return parse("{ __typename }")


__all__ = [
    "DOCUMENTS",
    "Checked",
    "DocumentCache",
    "parsed",
    "stand_in",
    "validate",  # graphql-core's, named here so tests can count validations
    "validated",
]

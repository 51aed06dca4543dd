"""Each distinct document is parsed and validated once per process, not once per request.

Parsing and validating a page-sized document costs milliseconds; a frontend sends the
same few documents over and over. The outcome depends on the document text alone: the
parse options and the validation rules are fixed, so the text is the whole key; only the
size limits come from the request's settings, compared with the cached size each time.
Bounded, least recently used first out.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass

import strawberry.schema.schema as strawberry_schema
from graphql import DocumentNode, GraphQLError
from strawberry.extensions import SchemaExtension

from schema.document_size import Size, measure
from schema.limits import MAX_TOKENS, DocumentLimits, refusal

DEFAULT_CAPACITY = 1000


@dataclass
class Checked:
    """A parsed document, its size, and its validation errors once validated (None
    before: a document refused for its size is never validated)."""

    document: DocumentNode
    size: Size
    errors: tuple[GraphQLError, ...] | None = None


class DocumentCache:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[str, Checked] = OrderedDict()

    def get(self, text: str) -> Checked | None:
        entry = self._entries.get(text)
        if entry is not None:
            self._entries.move_to_end(text)
        return entry

    def put(self, text: str, entry: Checked) -> None:
        self._entries[text] = entry
        self._entries.move_to_end(text)
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        self._entries.clear()


DOCUMENTS = DocumentCache()


def parsed(text: str) -> Checked | GraphQLError:
    """The document parsed and measured (cached), or its syntax error."""
    hit = DOCUMENTS.get(text)
    if hit is not None:
        return hit
    try:
        document = strawberry_schema.parse(text, max_tokens=MAX_TOKENS)  # type: ignore[attr-defined]
    except GraphQLError as error:
        return error
    entry = Checked(document, measure(document))
    DOCUMENTS.put(text, entry)
    return entry


class CachedDocuments(SchemaExtension):
    """Parses, measures and validates a document once; refuses one over the request's
    limits (`schema.limits`) before any validation rule walks it."""

    _hit: Checked | None = None

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query:
            self._hit = DOCUMENTS.get(context.query)
            if self._hit is not None:
                context.graphql_document = self._hit.document
        yield
        document = context.graphql_document
        if self._hit is None and context.query and document is not None:
            self._hit = Checked(document, measure(document))
            DOCUMENTS.put(context.query, self._hit)

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        entry = self._hit
        if entry is not None:
            refused = refusal(entry.size, DocumentLimits.of(context.context))
            if refused is not None:
                context.pre_execution_errors = [refused]
                yield
                return
            if entry.errors is not None:
                context.pre_execution_errors = list(entry.errors)
                yield
                return
        yield
        errors = context.pre_execution_errors
        if entry is not None and errors is not None:
            entry.errors = tuple(errors)

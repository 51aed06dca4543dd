"""Each distinct document is parsed and validated once per process, not once per request.

Parsing and validating a page-sized document costs milliseconds; a frontend sends the
same few documents over and over. The outcome depends on the document text alone: the
parse options and the validation rules are fixed when the schema is built (see
`schema.limits`), so the text is the whole key. Bounded, least recently used first out.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass

from graphql import DocumentNode, GraphQLError
from strawberry.extensions import SchemaExtension

DEFAULT_CAPACITY = 1000


@dataclass(frozen=True)
class Checked:
    document: DocumentNode
    errors: tuple[GraphQLError, ...]


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


class CachedDocuments(SchemaExtension):
    """Skips parsing and validation for a document already checked."""

    _hit: Checked | None = None

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query:
            self._hit = DOCUMENTS.get(context.query)
            if self._hit is not None:
                context.graphql_document = self._hit.document
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if self._hit is not None:
            context.pre_execution_errors = list(self._hit.errors)
            yield
            return
        yield
        errors = context.pre_execution_errors
        if context.query and context.graphql_document is not None and errors is not None:
            DOCUMENTS.put(context.query, Checked(context.graphql_document, tuple(errors)))

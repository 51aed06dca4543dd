"""Plans by (document text, operation name, dialect), bounded, least recently used first out.

A document is parsed and validated once, through the same cache and the same rules as
the reference path (`schema.documents`, `schema.limits`), so both paths agree on which
documents are valid and neither parses twice. Documents that cannot be compiled are
remembered too, so they cost one dictionary look-up before going to Strawberry.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import strawberry.schema.schema as strawberry_schema
from graphql import GraphQLError, specified_rules

from fastpath.compile import Unsupported, compile_plan
from fastpath.plan import Plan
from schema.documents import DOCUMENTS, Checked
from schema.limits import MAX_TOKENS, RULES

DEFAULT_CAPACITY = 1000


@dataclass(frozen=True)
class NotCompiled:
    reason: str


Entry = Plan | NotCompiled


def checked_document(schema: Any, text: str) -> Checked | None:
    """The parsed, validated document (shared with the reference path); None: a syntax error."""
    hit = DOCUMENTS.get(text)
    if hit is not None:
        return hit
    try:
        document = strawberry_schema.parse(text, max_tokens=MAX_TOKENS)  # type: ignore[attr-defined]
    except GraphQLError:
        return None
    errors = strawberry_schema.validate_document(
        schema._schema, document, (*specified_rules, *RULES)
    )
    entry = Checked(document, tuple(errors))
    DOCUMENTS.put(text, entry)
    return entry


class PlanCache:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[tuple[str, str | None, str], Entry] = OrderedDict()

    def get(self, schema: Any, text: str, operation_name: str | None, dialect: str) -> Entry:
        """`dialect`: PostgreSQL plans fold children into their parents' statements."""
        key = (text, operation_name, dialect)
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
            return entry
        entry = _build(schema, text, operation_name, dialect)
        self._entries[key] = entry
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)
        return entry

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        self._entries.clear()


def _build(schema: Any, text: str, operation_name: str | None, dialect: str) -> Entry:
    checked = checked_document(schema, text)
    if checked is None:
        return NotCompiled("syntax error")
    if checked.errors:
        return NotCompiled("invalid document")
    try:
        return compile_plan(schema, checked.document, operation_name, dialect)
    except Unsupported as reason:
        return NotCompiled(str(reason))


PLANS = PlanCache()

"""Plans by (document text, operation name, dialect, switches), least recently used first
out (`switches`: the values of the variables `@include`/`@skip` read).

Bounded in bytes (PLAN_CACHE_BYTES): a plan keeps its parsed document, so each entry
costs what the document cache charges for it (`core.byte_lru.document_bytes`).

A document is parsed and validated once, through the same cache and the same rules as
the reference path (`schema.documents`, `schema.limits`), so both paths agree on which
documents are valid and neither parses twice. Documents that cannot be compiled are
remembered too, so they cost one dictionary look-up before going to Strawberry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError

from core.byte_lru import ByteLRU, document_bytes
from fastpath.compile import compile_plan
from fastpath.compiler_tools import Unsupported
from fastpath.plan import Plan
from fastpath.switches import Switched, Switches
from schema.documents import Checked, parsed, validated
from schema.limits import DEFAULTS, DocumentLimits, refusal

DEFAULT_BUDGET = 32 * 1024 * 1024


@dataclass(frozen=True)
class NotCompiled:
    reason: str


Entry = Plan | NotCompiled | Switched

OVER_LIMITS = NotCompiled("over the document limits")


def checked_document(schema: Any, text: str) -> Checked | None:
    """The parsed, validated document (shared with the reference path); None: a syntax
    error. Call it for a document within its limits (`PlanCache.get` checks first)."""
    entry = parsed(text)
    if isinstance(entry, GraphQLError):
        return None
    # The default variant: suggestions change only messages, and introspection is never
    # compiled, so whether a plan can be built does not depend on the settings.
    validated(schema, entry, None)
    return entry


class PlanCache:
    def __init__(self, budget: int = DEFAULT_BUDGET) -> None:
        self._entries: ByteLRU[tuple[str, str | None, str, Switches], Entry] = ByteLRU(budget)

    @property
    def budget(self) -> int:
        return self._entries.budget

    @budget.setter
    def budget(self, value: int) -> None:
        """Set from PLAN_CACHE_BYTES by the app."""
        self._entries.budget = value

    def get(
        self,
        schema: Any,
        text: str,
        operation_name: str | None,
        dialect: str,
        limits: DocumentLimits = DEFAULTS,
        switches: Switches = (),
    ) -> Entry:
        """`dialect`: PostgreSQL plans fold children into their parents' statements. A
        document over `limits` is not compiled (the reference refuses it), and never
        validated here. A `Switched` entry: look up again with the request's `switches`."""
        key = (text, operation_name, dialect, switches)
        entry = self._entries.get(key)
        if entry is not None:
            if isinstance(entry, Plan) and refusal(entry.size, limits) is not None:
                return OVER_LIMITS
            return entry
        document = parsed(text)
        if not isinstance(document, GraphQLError) and refusal(document.size, limits):
            return OVER_LIMITS  # not kept: another request's settings may allow it
        entry = _build(schema, text, operation_name, dialect, switches)
        self._entries.put(key, entry, document_bytes(text))
        return entry

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        self._entries.clear()


def _build(
    schema: Any, text: str, operation_name: str | None, dialect: str, switches: Switches
) -> Entry:
    checked = checked_document(schema, text)
    if checked is None:
        return NotCompiled("syntax error")
    if checked.errors:
        return NotCompiled("invalid document")
    try:
        plan = compile_plan(schema, checked.document, operation_name, dialect, switches)
    except Unsupported as reason:
        return NotCompiled(str(reason))
    if isinstance(plan, Switched):
        return plan
    plan.size = checked.size
    plan.document = checked.document
    return plan


PLANS = PlanCache()

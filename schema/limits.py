"""The limits every document must pass before any validation rule walks it.

The size of a document once its fragments are spread (`schema.document_size`) is
measured once per document text and compared with the limits of the request's settings;
a document over a limit is refused with `GRAPHQL_VALIDATION_FAILED` and
`extensions.limit` naming the limit, without being validated or executed. The token
cap applies while parsing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from schema.document_size import Size

MAX_TOKENS = 5000
"""Tokens the parser reads before giving up (a fixed cap: parsed documents are shared)."""


@dataclass(frozen=True)
class DocumentLimits:
    depth: int = 12
    aliases: int = 30
    fields: int = 2000
    root_fields: int = 40
    directives: int = 10
    merges: int = 10_000

    @classmethod
    def of(cls, context: Any) -> DocumentLimits:
        """The request's limits: its settings' (the defaults for a context without any)."""
        settings = getattr(context, "settings", None)
        if settings is None:
            return DEFAULTS
        values = (
            settings.max_query_depth,
            settings.max_aliases,
            settings.max_fields,
            settings.max_root_fields,
            settings.max_directives_per_field,
            settings.max_field_merges,
        )
        # Built once per set of values: a frozen dataclass's __init__ costs 2 % of a
        # `{ __typename }` request, and every request asks.
        limits = _BUILT.get(values)
        if limits is None:
            limits = _BUILT[values] = cls(*values)
        return limits


DEFAULTS = DocumentLimits()
_BUILT: dict[tuple[int, ...], DocumentLimits] = {}


def _shown(count: int) -> str:
    """A count as a client reads it (a fragment bomb's is astronomically large)."""
    return f"{count:,}" if count < 10**9 else "over a billion"


def refusal(size: Size, limits: DocumentLimits) -> GraphQLError | None:
    """The error for the first limit the document passes, or None."""
    if (
        size.depth <= limits.depth
        and size.aliases <= limits.aliases
        and size.fields <= limits.fields
        and size.root_fields <= limits.root_fields
        and size.directives <= limits.directives
        and size.merges <= limits.merges
    ):
        return None
    checks = (
        ("depth", size.depth, limits.depth, "exceeds maximum operation depth of {max}"),
        ("aliases", size.aliases, limits.aliases, "uses {found} aliases; at most {max} allowed"),
        (
            "fields",
            size.fields,
            limits.fields,
            "selects {found} fields once its fragments are spread; at most {max} allowed",
        ),
        (
            "rootFields",
            size.root_fields,
            limits.root_fields,
            "selects {found} top-level fields; at most {max} allowed",
        ),
        (
            "directives",
            size.directives,
            limits.directives,
            "puts {found} directives on one field; at most {max} allowed",
        ),
        (
            "fieldMerges",
            size.merges,
            limits.merges,
            "repeats response keys so often that checking they merge takes {found} "
            "comparisons; at most {max} allowed",
        ),
    )
    for name, found, maximum, text in checks:
        if found > maximum:
            message = "The document " + text.format(found=_shown(found), max=maximum) + "."
            return GraphQLError(
                message,
                extensions={"code": "GRAPHQL_VALIDATION_FAILED", "limit": name, "max": maximum},
            )
    return None


class Limits(SchemaExtension):
    """The token cap for the parser (the size limits: `schema.documents`)."""

    def on_operation(self) -> Iterator[None]:
        self.execution_context.parse_options["max_tokens"] = MAX_TOKENS
        yield

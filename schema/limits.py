"""Limits every document must pass, as validation rules built once per process.

Strawberry's limiter extensions build their rule classes per request; a validation
cache keyed on the rules would then never hit. Built here once, the rules are constant
and `schema.documents` can key on the document text alone.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import ASTValidationRule
from strawberry.extensions import (
    MaxAliasesLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

MAX_QUERY_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 5000

RULES: tuple[type[ASTValidationRule], ...] = (
    *QueryDepthLimiter(max_depth=MAX_QUERY_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
)


class Limits(SchemaExtension):
    """Adds the limit rules, and the token cap to the parser."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.validation_rules = context.validation_rules + RULES
        context.parse_options["max_tokens"] = MAX_TOKENS
        yield

"""The GraphQL schema: types, the root Query, errors and extensions.

Not to be confused with the PyPI package called `schema`, which this project never uses.
"""

from __future__ import annotations

import functools

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.types import ExecutionContext

from schema.extensions import SafeErrors
from schema.mutations import Mutation
from schema.query import Query

MAX_QUERY_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 5000


class Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Client mistakes are answers, not server faults: SafeErrors logs the real faults."""


@functools.cache
def build_schema() -> strawberry.Schema:
    """The schema with its protections against expensive or malformed queries.

    Built once per process: strawberry's relay `node` fields can be bound to one schema only.
    """
    return Schema(
        query=Query,
        mutation=Mutation,
        extensions=[
            lambda: QueryDepthLimiter(max_depth=MAX_QUERY_DEPTH),
            lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            SafeErrors,
        ],
    )


__all__ = ["build_schema"]

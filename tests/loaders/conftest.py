"""The loaders are the reference executor's: these tests run with the compiled path off
(its own statement counts are `tests/fastpath/test_statements.py`'s), and with room for
the large nested queries that prove a level costs one statement (over MAX_QUERY_COST)."""

from __future__ import annotations

from typing import Any

import pytest

from core.db import Database
from core.settings import Settings
from schema.context import Context


@pytest.fixture
def execute(db: Database, settings: Settings, graphql_schema: Any) -> Any:
    reference = settings.model_copy(
        update={"compiled_execution": False, "max_query_cost": 10_000_000}
    )

    async def run(query: str, variables: dict[str, Any] | None = None) -> Any:
        context = Context.create(db=db, settings=reference)
        return await graphql_schema.execute(query, variable_values=variables, context_value=context)

    return run

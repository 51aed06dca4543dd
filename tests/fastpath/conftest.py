"""A catalogue with every kind of row (seeds, synthetic packages, grids with rated cells),
and an executor that checks each compiled answer against Strawberry's."""

from __future__ import annotations

from typing import Any

import pytest

from core.db import Database
from core.settings import Settings
from schema.context import Context
from server.commands.demo import load_demo_data


@pytest.fixture
async def catalogue(db: Database) -> Database:
    await load_demo_data(db, synthetic_packages=150)
    return db


@pytest.fixture
def checked_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"compiled_differential": True})


@pytest.fixture
def checked_execute(db: Database, checked_settings: Settings, graphql_schema: Any) -> Any:
    """Like `execute`, with the differential check on whatever COMPILED_DIFFERENTIAL says."""

    async def run(
        query: str, variables: dict[str, Any] | None = None, operation_name: str | None = None
    ) -> Any:
        context = Context.create(db=db, settings=checked_settings)
        return await graphql_schema.execute(
            query, variable_values=variables, context_value=context, operation_name=operation_name
        )

    return run

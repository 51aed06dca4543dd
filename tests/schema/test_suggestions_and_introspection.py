"""Validation errors name no field the client did not: suggestions are a setting, off by
default; introspection is a setting, on by default (issue 14)."""

from __future__ import annotations

from typing import Any

import pytest

from schema.context import Context

MISSPELT = [
    ("{ auditLogs { totalCount } }", "auditLog"),
    ("{ packages(frist: 1) { totalCount } }", "first"),
    ("{ packages(orderBy: {field: WATCHER}) { totalCount } }", "WATCHERS"),
]


async def _errors(db: Any, settings: Any, graphql_schema: Any, query: str, **changes: Any) -> Any:
    context = Context.create(db=db, settings=settings.model_copy(update=changes))
    return (await graphql_schema.execute(query, context_value=context)).errors


@pytest.mark.parametrize(("query", "suggestion"), MISSPELT)
async def test_no_suggestions_by_default(db, settings, graphql_schema, query, suggestion):
    [error] = await _errors(db, settings, graphql_schema, query)
    assert error.extensions["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "Did you mean" not in error.message and f"'{suggestion}'" not in error.message


@pytest.mark.parametrize(("query", "suggestion"), MISSPELT)
async def test_suggestions_when_asked(db, settings, graphql_schema, query, suggestion):
    [error] = await _errors(db, settings, graphql_schema, query, field_suggestions=True)
    assert "Did you mean" in error.message and f"'{suggestion}'" in error.message


async def test_the_same_document_follows_each_requests_setting(db, settings, graphql_schema):
    query = MISSPELT[0][0]
    for suggestions in (False, True, False):
        [error] = await _errors(db, settings, graphql_schema, query, field_suggestions=suggestions)
        assert ("Did you mean" in error.message) is suggestions


async def test_introspection_can_be_turned_off(db, settings, graphql_schema):
    query = "{ __schema { queryType { name } } }"
    assert not await _errors(db, settings, graphql_schema, query)
    errors = await _errors(db, settings, graphql_schema, query, introspection=False)
    assert errors and all(e.extensions["code"] == "GRAPHQL_VALIDATION_FAILED" for e in errors)
    assert "introspection" in errors[0].message.lower()
    # __typename is not introspection: clients add it everywhere.
    assert not await _errors(db, settings, graphql_schema, "{ __typename }", introspection=False)

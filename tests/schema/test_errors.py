"""Bad input gets a clear error with a stable code; faults never leak internals."""

from __future__ import annotations

import pytest

from loaders import batch


@pytest.mark.parametrize(
    ("query", "argument"),
    [
        ("{ packages(first: 0) { totalCount } }", "first"),
        ("{ packages(first: 101) { totalCount } }", "first"),
        ("{ packages(last: 101) { totalCount } }", "last"),
        ("{ packages(first: 2, last: 2) { totalCount } }", "last"),
        ('{ packages(after: "bogus") { totalCount } }', "after"),
        ('{ grids(before: "bogus") { totalCount } }', "before"),
        ("{ participants(first: -5) { totalCount } }", "first"),
        ("{ package(id: 631) { participants(first: 1000) { totalCount } } }", "first"),
        ("{ packages(filter: {repoWatchers: {min: 10, max: 1}}) { totalCount } }", "repoWatchers"),
        (
            '{ packages(filter: {created: {since: "2020-01-01T00:00:00"}}) { totalCount } }',
            "created",
        ),
    ],
)
async def test_out_of_range_page_arguments(demo, execute, query, argument):
    result = await execute(query)
    [error] = result.errors
    assert error.extensions == {"code": "BAD_USER_INPUT", "argument": argument}
    assert argument in error.message


@pytest.mark.parametrize(
    "query",
    ["{ package { id } }", '{ package(id: 631, slug: "django-shop") { id } }'],
)
async def test_package_lookup_needs_exactly_one_key(demo, execute, query):
    result = await execute(query)
    assert result.data == {"package": None}
    assert result.errors[0].message == "Give exactly one of 'id' or 'slug'."
    assert result.errors[0].extensions["code"] == "BAD_USER_INPUT"


async def test_validation_and_syntax_errors_have_codes(demo, client):
    invalid = await client.post("/graphql", json={"query": "{ package(id: 631) { nope } }"})
    assert invalid.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    broken = await client.post("/graphql", json={"query": "{ package(id: "})
    assert broken.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


async def test_unexpected_exceptions_are_masked(
    demo, reference_executor, execute, monkeypatch, caplog
):
    async def explode(session, keys):
        raise RuntimeError("password=hunter2 in a stack trace")

    monkeypatch.setattr(batch, "categories_by_id", explode)
    result = await execute("{ package(id: 631) { title category { title } } }")
    [error] = result.errors
    assert error.message == "Internal server error."
    assert error.extensions == {"code": "INTERNAL_SERVER_ERROR"}
    assert "hunter2" not in str(result.errors)
    # The sibling field still resolves; only the broken branch is null.
    assert result.data == {"package": {"title": "django SHOP", "category": None}}
    assert "hunter2" in caplog.text  # the operator still sees the cause in the log


async def test_query_depth_is_limited(demo, execute):
    nested = "packages { participants { " * 8
    result = await execute("{ " + nested + "login" + " } }" * 8 + " }")
    assert result.errors
    assert "exceeds maximum operation depth" in result.errors[0].message

"""Cursor values, global ids and search terms a column cannot hold are refused with
BAD_USER_INPUT before they reach SQL (issue 22: each answered INTERNAL_SERVER_ERROR)."""

from __future__ import annotations

from typing import Any

import pytest

from loaders.cursors import encode_cursor

PAGE = "query($c: String, $o: PackageOrder) { packages(after: $c, orderBy: $o) { totalCount } }"


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("ID", (2**63,)),
        ("ID", (2**31,)),
        ("WATCHERS", (-(2**31) - 1, 1)),
        ("LAST_UPDATED", ("2024-05-01T00:00:00", 1)),  # naive
        ("LAST_UPDATED", ("0001-01-01T00:00:00+00:00", 1)),
        ("TITLE", ("a\x00b", 1)),
    ],
    ids=["2^63", "2^31", "below -2^31", "naive time", "year 1", "NUL"],
)
async def test_a_cursor_value_no_column_holds_is_bad_input(
    db: Any, execute: Any, field: str, values: tuple[Any, ...]
) -> None:
    cursor = encode_cursor(f"package:{field}_ASC", values)
    result = await execute(PAGE, {"c": cursor, "o": {"field": field, "direction": "ASC"}})
    [error] = result.errors
    assert error.extensions == {"code": "BAD_USER_INPUT", "argument": "after"}


async def test_a_cursor_within_range_still_pages(db: Any, execute: Any) -> None:
    cursor = encode_cursor("package:LAST_UPDATED_ASC", ("2024-05-01T00:00:00+00:00", 2**31 - 1))
    order = {"field": "LAST_UPDATED", "direction": "ASC"}
    result = await execute(PAGE, {"c": cursor, "o": order})
    assert result.errors is None


def _code(result: Any) -> tuple[str, str | None]:
    [error] = result.errors
    return error.extensions["code"], error.extensions.get("argument")


@pytest.mark.parametrize(
    ("query", "argument"),
    [
        ('{ search(query: "%s") { __typename } }' % ("x" * 201), "query"),
        ('{ search(query: "a\\u0000b") { __typename } }', "query"),
        ('{ packages(filter: {search: "%s"}) { totalCount } }' % ("x" * 201), "filter.search"),
        ('{ grids(filter: {search: "a\\u0000"}) { totalCount } }', "filter.search"),
        ('{ package(slug: "a\\u0000b") { title } }', "slug"),
        ('{ grid(slug: "%s") { title } }' % ("s" * 101), "slug"),
        ('{ participant(login: "a\\u001b[2J") { login } }', "login"),
        (
            '{ packages(filter: {categorySlugs: ["ok", "a\\u0000"]}) { totalCount } }',
            "filter.categorySlugs",
        ),
        ('{ participants(filter: {loginPrefix: "\\u0000"}) { totalCount } }', "filter.loginPrefix"),
        (
            '{ packages(filter: {created: {since: "0001-01-01T00:00:00Z"}}) { totalCount } }',
            "created",
        ),
    ],
    ids=[
        "search 201",
        "search NUL",
        "filter search 201",
        "grid search NUL",
        "slug NUL",
        "slug 101",
        "login ESC",
        "slug list NUL",
        "login prefix NUL",
        "year 1",
    ],
)
async def test_text_no_column_should_see_is_bad_input(
    db: Any, execute: Any, query: str, argument: str
) -> None:
    assert _code(await execute(query)) == ("BAD_USER_INPUT", argument)


@pytest.mark.parametrize("number", [2**31, 2**63, 2**64 + 1, -(2**31) - 1])
async def test_a_global_id_over_the_id_column_is_bad_input(
    db: Any, execute: Any, number: int
) -> None:
    from strawberry.relay import GlobalID

    node_id = str(GlobalID("Package", str(number)))
    assert _code(await execute("query($i: ID!) { node(id: $i) { id } }", {"i": node_id})) == (
        "BAD_USER_INPUT",
        "id",
    )


async def test_names_and_terms_within_bounds_still_answer(db: Any, execute: Any) -> None:
    result = await execute(
        f'{{ search(query: "{"x" * 200}") {{ __typename }} '
        f'package(slug: "{"s" * 100}") {{ title }} }}'
    )
    assert result.errors is None

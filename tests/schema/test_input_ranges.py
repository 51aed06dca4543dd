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

"""Relay connections: forward and backward paging, stable cursors, totals, limits."""

from __future__ import annotations

from tests.factories import build_catalogue, package_record
from writes import IMPORTER, open_unit, upsert_package

PAGE = """query ($first: Int, $after: String, $last: Int, $before: String) {
  packages(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { databaseId } }
  }
}"""


def _ids(result) -> list[int]:
    return [edge["node"]["databaseId"] for edge in result.data["packages"]["edges"]]


async def test_forward_paging_visits_every_row_once(db, execute):
    await build_catalogue(db, packages=7, grids=0)
    seen: list[int] = []
    after = None
    while True:
        result = await execute(PAGE, {"first": 3, "after": after})
        assert result.errors is None
        connection = result.data["packages"]
        assert connection["totalCount"] == 7
        seen += _ids(result)
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert seen == [1, 2, 3, 4, 5, 6, 7]


async def test_backward_paging_with_last_and_before(db, execute):
    await build_catalogue(db, packages=7, grids=0)
    last_three = await execute(PAGE, {"last": 3})
    assert _ids(last_three) == [5, 6, 7]
    assert last_three.data["packages"]["pageInfo"]["hasPreviousPage"] is True
    before = last_three.data["packages"]["pageInfo"]["startCursor"]
    previous = await execute(PAGE, {"last": 3, "before": before})
    assert _ids(previous) == [2, 3, 4]
    assert previous.data["packages"]["pageInfo"]["hasNextPage"] is True


async def test_cursors_stay_valid_while_rows_are_inserted(db, execute):
    await build_catalogue(db, packages=6, grids=0)
    first_page = await execute(PAGE, {"first": 3})
    cursor = first_page.data["packages"]["pageInfo"]["endCursor"]
    async with open_unit(db, actor=IMPORTER) as unit:  # rows land before and after the cursor
        for number in (0, 100):
            await upsert_package(unit, package_record(number, grid_ids=()))
    next_page = await execute(PAGE, {"first": 3, "after": cursor})
    assert _ids(next_page) == [4, 5, 6]


async def test_default_page_is_twenty(db, execute):
    await build_catalogue(db, packages=25, grids=0)
    result = await execute(PAGE, {})
    assert len(_ids(result)) == 20
    assert result.data["packages"]["pageInfo"]["hasNextPage"] is True


async def test_cursor_from_another_ordering_is_refused(db, execute):
    await build_catalogue(db, packages=3, grids=0)
    by_id = await execute(PAGE, {"first": 1})
    cursor = by_id.data["packages"]["pageInfo"]["endCursor"]
    result = await execute(
        "query ($after: String) { packages(after: $after, orderBy: {field: WATCHERS})"
        " { totalCount } }",
        {"after": cursor},
    )
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT", "argument": "after"}


async def test_nested_connection_pages_each_parent_with_its_own_total(db, execute):
    await build_catalogue(db, packages=5, grids=2)
    first = await execute(
        "{ grids { nodes { packages(first: 2) { totalCount pageInfo { endCursor hasNextPage }"
        " nodes { databaseId } } } } }"
    )
    grids = first.data["grids"]["nodes"]
    assert [g["packages"]["totalCount"] for g in grids] == [5, 5]
    cursor = grids[0]["packages"]["pageInfo"]["endCursor"]
    rest = await execute(
        "query ($after: String) { grid(id: 1) { packages(first: 10, after: $after)"
        " { totalCount pageInfo { hasNextPage hasPreviousPage } nodes { databaseId } } } }",
        {"after": cursor},
    )
    packages = rest.data["grid"]["packages"]
    assert [p["databaseId"] for p in packages["nodes"]] == [3, 4, 5]
    assert packages["totalCount"] == 5
    assert packages["pageInfo"] == {"hasNextPage": False, "hasPreviousPage": True}


async def test_a_bad_cursor_error_repeats_neither_the_input_nor_internal_names(db, execute):
    """Issue 14: the message echoed a megabyte cursor and the ordering's internal key."""
    from loaders.cursors import encode_cursor

    huge = "A" * 100_000
    other = encode_cursor("participant:SOURCE_ORDER", (1, 2))
    for cursor in (huge, other):
        result = await execute(
            "query($c: String) { packages(after: $c) { totalCount } }", {"c": cursor}
        )
        [error] = result.errors
        # The megabyte one is refused with its variable, before any argument is read.
        where = {"variable": "c"} if cursor is huge else {"argument": "after"}
        assert error.extensions == {"code": "BAD_USER_INPUT", **where}
        assert len(error.message) < 200
        assert "SOURCE_ORDER" not in error.message and "participant:" not in error.message

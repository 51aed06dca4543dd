"""`schema.variable_check`: one walk of the declared variables, first problem only."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import parse

from execution import build_schema
from schema.variable_check import MAX_VARIABLE_STRING, refused_operation_variables

DOCUMENT = parse(
    "query Q($f: PackageFilter, $ids: [ID!], $s: String!) {"
    " packages(filter: $f) { totalCount } nodes(ids: $ids) { id }"
    " search(query: $s) { __typename } }"
)


def _refused(variables: dict[str, Any]) -> str | None:
    error = refused_operation_variables(build_schema()._schema, DOCUMENT, None, variables)
    if error is None:
        return None
    assert (error.extensions or {}).get("code") == "BAD_USER_INPUT"
    return error.message


def test_valid_variables_pass() -> None:
    variables = {"f": {"search": "shop", "categorySlugs": ["apis"]}, "ids": ["UGFj"], "s": "x\ty"}
    assert _refused(variables) is None


def test_undeclared_variables_are_not_walked() -> None:
    assert _refused({"other": {str(i): "x" * 20_000 for i in range(1_000)}}) is None


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"f": {"search": "x", "nope": 1}}, "at 'f': PackageFilter has no field 'nope'"),
        ({"ids": ["1", "x" * 20_000]}, "at 'ids.1': a string of 20,000 characters"),
        ({"s": "x" * (MAX_VARIABLE_STRING + 1)}, "at 's': a string of 10,001 characters"),
        ({"f": {f"k{i}": 1 for i in range(101)}}, "at 'f': an object with 101 keys"),
        ({"f": {"k" * 5000: 1}}, "no field '" + "k" * 40 + "…'"),
    ],
)
def test_the_first_problem_is_named(variables: dict[str, Any], expected: str) -> None:
    message = _refused(variables)
    assert message is not None and expected in message, message


class _WatchedDict(dict[str, Any]):
    """Records each key the check reads."""

    def __init__(self, seen: list[object], *args: Any) -> None:
        super().__init__(*args)
        self.seen = seen

    def items(self) -> Any:
        for pair in super().items():
            self.seen.append(pair[0])
            yield pair


class _WatchedList(list[Any]):
    """Records each item the check reads."""

    def __init__(self, seen: list[object], *args: Any) -> None:
        super().__init__(*args)
        self.seen = seen

    def __iter__(self) -> Any:
        for item in super().__iter__():
            self.seen.append(item)
            yield item


def test_the_check_reads_each_part_once_and_stops_at_the_first_problem() -> None:
    """Linear with early exits, counted rather than timed: 80,000 unknown keys were
    checked in quadratic time (24 s of the loop for 20,000)."""
    seen: list[object] = []
    many = _WatchedDict(seen, {f"k{i}": 1 for i in range(80_000)})
    assert _refused({"f": many}) is not None
    assert seen == []  # refused by its size, no key read
    few = _WatchedDict(seen, {f"k{i}": 1 for i in range(99)})
    assert _refused({"f": few}) is not None
    assert seen == ["k0"]  # the first unknown key is enough
    seen.clear()
    slugs = _WatchedList(seen, ["ok"] * 50_000 + ["x" * 10_001] + ["never read"])
    assert _refused({"f": {"categorySlugs": slugs}}) is not None
    assert len(seen) <= len(slugs)  # each item once at most

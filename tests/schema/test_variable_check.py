"""`schema.variable_check`: one walk of the declared variables, first problem only."""

from __future__ import annotations

import time
from typing import Any

import pytest
from graphql import parse

from schema import build_schema
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


def test_it_is_linear_in_the_input() -> None:
    """80,000 unknown keys, or keys nested deep inside a list: refused in milliseconds."""
    for variables in (
        {"f": {f"k{i}": 1 for i in range(80_000)}},
        {"f": {"categorySlugs": ["ok"] * 50_000 + ["x" * 10_001]}},
    ):
        started = time.perf_counter()
        assert _refused(variables) is not None
        assert time.perf_counter() - started < 0.5

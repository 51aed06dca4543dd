"""The object writer: constants (`__typename`) come from the template, in their place."""

from __future__ import annotations

from typing import Any

import pytest

from fastpath.objects import sealed
from fastpath.plan import Inline, ObjectPlan, Value


def _never(row: Any, env: Any) -> Any:
    raise AssertionError("a constant is written from the template, not read per row")


def _write(*entries: Any) -> list[list[tuple[str, Any]]]:
    plan = sealed(ObjectPlan(entries=list(entries)))
    assert plan.write is not None
    rows = [(1, "a", 2), (3, "b", 4)]
    return [list(out.items()) for out in plan.write(rows, None)]  # type: ignore[arg-type]


TYPENAME = Value("__typename", _never, constant="Package")


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        ([TYPENAME], [("__typename", "Package")]),
        ([Value("id", _never, 0), TYPENAME], [("id", 1), ("__typename", "Package")]),
        (
            [Value("id", _never, 0), TYPENAME, Value("slug", _never, 1)],
            [("id", 1), ("__typename", "Package"), ("slug", "a")],
        ),
        (
            [TYPENAME, Value("x", lambda row, env: row[2] * 10), Value("id", _never, 0)],
            [("__typename", "Package"), ("x", 20), ("id", 1)],
        ),
        (
            [Value("id", _never, 0), Inline("child", ObjectPlan()), TYPENAME],
            [("id", 1), ("child", None), ("__typename", "Package")],
        ),
    ],
)
def test_constants_keep_their_place(entries: list[Any], expected: list[tuple[str, Any]]) -> None:
    outs = _write(*entries)
    assert outs[0] == expected
    assert len(outs) == 2 and outs[1][0][0] == expected[0][0]


def test_objects_are_distinct() -> None:
    plan = sealed(ObjectPlan(entries=[TYPENAME]))
    assert plan.write is not None
    first, second = plan.write([(), ()], None)  # type: ignore[arg-type]
    first["__typename"] = "changed"
    assert second == {"__typename": "Package"}


def test_keys_and_constants_are_data_never_source() -> None:
    """The writer is generated code: a key or constant that looks like code stays text."""
    odd = "x'}] + [__import__('os')] + [{'"
    plan = sealed(
        ObjectPlan(entries=[Value(odd, _never, 1), Value("__typename", _never, constant=odd)])
    )
    assert plan.write is not None
    assert plan.write([(1, "a", 2)], None) == [{odd: "a", "__typename": odd}]  # type: ignore[arg-type]

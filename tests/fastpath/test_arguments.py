"""A field's literal arguments are converted once per plan; variables are read per request."""

from __future__ import annotations

from typing import Any

from fastpath import RECORDER
from fastpath.cache import PLANS
from fastpath.plan import Arguments, Child, ConnectionPlan, Inline, ObjectPlan, Plan

LITERAL = "{ packages(first: 3) { nodes { slug participants(first: 2) { nodes { login } } } } }"
VARIABLE = "query P($n: Int!) { packages(first: $n) { nodes { slug } } }"


def _plan_arguments(graphql_schema: Any, query: str, dialect: str) -> list[Arguments]:
    """Every fetched field's arguments in the cached plan, depth first."""
    found: list[Arguments] = []

    def walk(plan: ObjectPlan) -> None:
        for entry in plan.entries:
            if isinstance(entry, Inline):
                walk(entry.plan)
            elif isinstance(entry, Child):
                if entry.arguments is not None:
                    found.append(entry.arguments)
                shape = entry.shape
                if isinstance(shape, ConnectionPlan):
                    for _, kind, sub in shape.entries:
                        if kind == "nodes":
                            walk(sub)
                else:
                    walk(shape)

    entry = PLANS.get(graphql_schema, query, None, dialect)
    assert isinstance(entry, Plan)
    walk(entry.root)
    return found


async def test_literal_arguments_are_converted_once(catalogue, checked_execute, graphql_schema):
    first = await checked_execute(LITERAL)
    arguments = _plan_arguments(graphql_schema, LITERAL, catalogue.dialect)
    # PostgreSQL folds participants(first: 2) into the packages' statement: no Child left.
    assert len(arguments) == (1 if catalogue.dialect == "postgresql" else 2)
    assert all(a.literal for a in arguments)
    kept = [a.converted for a in arguments]
    assert all(k is not None for k in kept)
    second = await checked_execute(LITERAL)
    assert second.data == first.data and len(first.data["packages"]["nodes"]) == 3
    assert [a.converted for a in arguments] == kept
    assert all(a.converted is k for a, k in zip(arguments, kept, strict=True))


async def test_variable_arguments_are_read_per_request(catalogue, checked_execute, graphql_schema):
    before = RECORDER.compiled
    two = await checked_execute(VARIABLE, variables={"n": 2})
    five = await checked_execute(VARIABLE, variables={"n": 5})
    assert RECORDER.compiled == before + 2  # both answered by the plan
    assert len(two.data["packages"]["nodes"]) == 2
    assert len(five.data["packages"]["nodes"]) == 5
    [arguments] = _plan_arguments(graphql_schema, VARIABLE, catalogue.dialect)
    assert not arguments.literal and arguments.converted is None

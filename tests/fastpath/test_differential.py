"""Both paths answer every document alike, and supported documents take the compiled path.

Each document runs with the differential check on: the compiled answer is compared with
the reference executor's (data, key order, and no errors), an AssertionError otherwise.
"""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.workloads import choose
from fastpath import PLANS, RECORDER
from fastpath.plan import Plan
from fastpath.switches import Switched
from tests.fastpath.documents import example_documents, suite_documents

# Documents the compiled path leaves to Strawberry on purpose (guarded fields, the ones
# computed in Python, introspection): each must still answer, through the reference.
REFERENCE_ONLY = (
    *("auditLog", "webhook"),
    *("__schema", "__type("),
)


async def _replay(checked_execute: Any, query: str, **kwargs: Any) -> tuple[Any, bool]:
    with RECORDER.listening() as outcomes:
        result = await checked_execute(query, **kwargs)
    [outcome] = outcomes
    return result, outcome.compiled


async def test_the_workloads_take_the_compiled_path_and_agree(catalogue, checked_execute):
    async with catalogue.engine.connect() as connection:
        workloads = await choose(connection)
    for name, workload in workloads.items():
        result, compiled = await _replay(
            checked_execute, workload.query, variables=workload.variables, operation_name=name
        )
        assert result.errors is None, (name, result.errors)
        assert compiled, name


@pytest.mark.parametrize("source", ["examples", "suite"])
async def test_every_document_agrees_and_supported_ones_are_compiled(
    catalogue, checked_execute, graphql_schema, source
):
    documents = example_documents() if source == "examples" else suite_documents()
    compiled: list[str] = []
    reference: list[str] = []
    unsupported: list[str] = []
    for query in documents:
        result, took_compiled = await _replay(checked_execute, query)
        entry = PLANS.get(graphql_schema, query, None, catalogue.dialect)
        if not isinstance(entry, Plan):
            if entry.reason not in ("invalid document", Switched.reason):
                unsupported.append(query)
            assert not took_compiled
        elif result.errors is None:
            # A supported document answered without errors: no silent fallback.
            assert took_compiled, query
        (compiled if took_compiled else reference).append(query)
    assert compiled, "no document took the compiled path"
    for query in unsupported:
        assert any(marker in query for marker in REFERENCE_ONLY), query


async def test_an_operation_name_that_is_not_a_string_is_left_to_the_reference(
    db, settings, graphql_schema, monkeypatch
):
    """Over WebSocket nothing checks the name's type before execution: the plan cache must
    not be the one to fail on it."""
    from schema.context import Context

    async def answer() -> Any:
        context = Context.create(db=db, settings=settings)
        try:
            return await graphql_schema.execute(
                "query A { __typename }", context_value=context, operation_name={"not": "a name"}
            )
        except Exception as error:  # the reference's own refusal, whatever it is
            return type(error)

    compiled_on = await answer()
    monkeypatch.setattr(settings, "compiled_execution", False)
    reference = await answer()
    assert type(compiled_on) is type(reference)
    if isinstance(reference, type):
        assert compiled_on is reference and reference is not TypeError

"""One admission per request (`schema.admission`): trusted documents, limits, validation,
cost and the rate-limit charge run once, before the executor is chosen; when the
compiled executor declines, the reference's extensions take the admission as it is."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

import execution.choice
import schema.cached_documents
import schema.extensions
from core.settings import Settings
from fastpath import RECORDER
from tests.conftest import app_client

# `__type` is introspection: the compiled executor leaves it to the reference.
DECLINED = '{ __type(name: "Package") { name } packages(first: 100) { nodes { slug } } }'
MUTATION = 'mutation { createGrid(input: {title: "G", slug: "g"}) { databaseId } }'


@pytest.fixture
async def limited(db, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    changed = {"rate_limit_points": 50}
    async with app_client(db, settings.model_copy(update=changed)) as http:
        yield http


def _counting(calls: Counter[str], name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[name] += 1
        return function(*args, **kwargs)

    return counted


@pytest.fixture
def calls(monkeypatch) -> Counter[str]:
    """Calls of the admission and of the work the reference's extensions would repeat."""
    found: Counter[str] = Counter()
    for module, name in (
        (execution.choice, "admit"),
        (schema.cached_documents, "parsed"),
        (schema.cached_documents, "charge_refusal"),
        (schema.extensions, "query_cost"),
        (schema.extensions, "charge"),
    ):
        monkeypatch.setattr(module, name, _counting(found, name, getattr(module, name)))
    return found


async def test_a_query_the_compiled_executor_declines_is_admitted_and_charged_once(
    limited, demo, calls
):
    with RECORDER.listening() as outcomes:
        response = await limited.post("/graphql", json={"query": DECLINED})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["__type"] == {"name": "Package"}
    assert [(o.compiled, o.reason) for o in outcomes] == [(False, "introspection")]
    assert calls == Counter({"admit": 1}), calls  # the extensions neither parse nor cost
    assert response.headers["x-ratelimit-used"] == "2"  # 1 + 100 objects, charged once


async def test_a_refusal_is_admitted_once_and_reported_by_the_reference(limited, demo, calls):
    over = (
        "{ packages(first: 100) { nodes { participants(first: 100) { nodes { "
        "packages(first: 100) { nodes { slug } } } } } } }"
    )
    too_complex = await limited.post("/graphql", json={"query": over})
    [error] = too_complex.json()["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    invalid = await limited.post("/graphql", json={"query": "{ nope }"})
    [error] = invalid.json()["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert calls == Counter({"admit": 2}), calls  # the refusal's charge: in the admission
    assert invalid.headers["x-ratelimit-used"] == "1"  # the invalid document's, once


async def test_a_mutation_is_admitted_by_the_reference_extensions_as_before(limited, demo, calls):
    response = await limited.post("/graphql", json={"query": MUTATION})
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert calls["admit"] == 1 and calls["parsed"] == 1 and calls["query_cost"] == 1
    assert calls["charge"] == 1

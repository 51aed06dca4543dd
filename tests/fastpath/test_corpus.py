"""Issue 24: every client-shaped document answers exactly as Strawberry does, and takes the
path expected of it: compiled, or left to Strawberry for the reason written in FALLBACK.

Each document is POSTed as its client sent it, to the app with compiled execution on and
to the app with it off (the reference); the two answers must be the same JSON, key order
included, without errors, with every root field answered. When the compiler learns a
shape, a document leaves FALLBACK (the test fails until it does).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from benchmarks.workloads import CLIENT_WORKLOADS, choose_clients
from core.settings import Settings
from fastpath import RECORDER
from tests.conftest import app_client
from tests.fastpath.corpus_documents import TOOLS, Document, corpus

# Why a document is left to Strawberry (the compiler's own reason in brackets).
FRAGMENTS = "named fragments (fragment definitions)"
INLINE_FRAGMENT = "an inline fragment (fragment)"
NODE = "node/nodes: an interface, resolved per type (Query.node, Query.nodes)"
SEARCH = "search: a union (Query.search)"
COMPARISON = "Grid.comparison is not compiled (Grid.comparison)"
RATE_LIMIT = "rateLimit: the caller's budget, not a table (Query.rateLimit)"

FALLBACK: dict[str, str] = {
    "apollo/ApolloCategoryPackages": FRAGMENTS,
    "apollo/ApolloFilteredPackages": FRAGMENTS,
    "apollo/ApolloGridDetail": FRAGMENTS,
    "apollo/ApolloGridsWithPackages": FRAGMENTS,
    "apollo/ApolloMergedFields": FRAGMENTS,
    "apollo/ApolloNodes": NODE,
    "apollo/ApolloPackageBrief": FRAGMENTS,
    "apollo/ApolloPackageFeed": FRAGMENTS,
    "apollo/ApolloPackageNode": FRAGMENTS,
    "apollo/ApolloPackageOptional": FRAGMENTS,
    "apollo/ApolloPackagePage": FRAGMENTS,
    "apollo/ApolloParticipant": FRAGMENTS,
    "apollo/ApolloSearch": SEARCH,
    "apollo/ApolloTwoPackages": FRAGMENTS,
    "urql/PackagePage": FRAGMENTS,
    "urql/UrqlCategories": FRAGMENTS,
    "urql/UrqlGridRows": FRAGMENTS,
    "urql/UrqlPackageById": FRAGMENTS,
    "urql/UrqlPackagesPage": FRAGMENTS,
    "graphcache/GraphcacheCategoryOptional": FRAGMENTS,
    "graphcache/GraphcacheGridNode": NODE,
    "graphcache/GraphcacheGridPackages": INLINE_FRAGMENT,
    "graphcache/GraphcachePackagePage": FRAGMENTS,
    "graphcache/GraphcacheParticipant": FRAGMENTS,
    "relay/CategoryPagePaginationQuery": FRAGMENTS,
    "relay/CategoryPageQuery": FRAGMENTS,
    "relay/GridViewPackagesPaginationQuery": FRAGMENTS,
    "relay/GridViewQuery": FRAGMENTS,
    "relay/PackageListPaginationQuery": FRAGMENTS,
    "relay/PackageListQuery": FRAGMENTS,
    "relay/PackagePageQuery": FRAGMENTS,
    "relay/PackageViewQuery": FRAGMENTS,
    "relay/PackageViewRefetchQuery": FRAGMENTS,
    "relay/ParticipantCardQuery": FRAGMENTS,
    "relay/ParticipantCardRefetchQuery": FRAGMENTS,
    "codegen/CodegenCategoryPage": FRAGMENTS,
    "codegen/CodegenFilteredPackages": FRAGMENTS,
    "codegen/CodegenGridComparison": FRAGMENTS,
    "codegen/CodegenLastPage": FRAGMENTS,
    "codegen/CodegenPackageDetail": FRAGMENTS,
    "codegen/CodegenPackageOptional": FRAGMENTS,
    "codegen/CodegenParticipantPackages": FRAGMENTS,
    "app/Grid": COMPARISON,
    "app/Package": FRAGMENTS,
    "graphiql/NodesById": NODE,
    "graphiql/Search": SEARCH,
    "graphiql/GridComparison": COMPARISON,
    "graphiql/RateLimitBudget": RATE_LIMIT,
    "benchmark/W1C": NODE,
    "benchmark/W2C": FRAGMENTS,
    "benchmark/W3C": FRAGMENTS,
}
"""The documents still answered by Strawberry, by `<tool>/<name>`, each with its reason."""


@pytest.fixture
async def clients(catalogue: Any, settings: Settings) -> AsyncIterator[tuple[Any, Any]]:
    """(compiled execution on, the reference: off) over the same catalogue."""
    reference = settings.model_copy(update={"compiled_execution": False})
    async with app_client(catalogue, settings) as ours, app_client(catalogue, reference) as ref:
        yield ours, ref


async def _post(client: Any, document: Document) -> Any:
    response = await client.post("/graphql", json=document.body())
    assert response.status_code == 200, (document.key, response.text)
    answer = response.json()
    # Each app counts its own budget window, opened by its first request a few
    # milliseconds apart: the two windows may end a second apart.
    budget = (answer.get("data") or {}).get("rateLimit")
    if isinstance(budget, dict):
        budget.pop("resetAt", None)
    return answer


def test_the_corpus_is_large_enough_and_every_fallback_names_a_document():
    keys = {document.key for tool in TOOLS for document in corpus(tool)}
    assert len(keys) >= 40
    keys |= {f"benchmark/{name}" for name in CLIENT_WORKLOADS}
    assert FALLBACK.keys() <= keys, FALLBACK.keys() - keys


async def _wrong_paths(clients: tuple[Any, Any], documents: list[Document]) -> list[str]:
    """Checks each answer against the reference; the documents whose path is unexpected."""
    ours, reference = clients
    wrong_path: list[str] = []
    for document in documents:
        with RECORDER.listening() as outcomes:
            answer = await _post(ours, document)
        expected = await _post(reference, document)
        assert "errors" not in expected, (document.key, expected["errors"])
        assert answer == expected, document.key
        assert list(answer["data"]) == list(expected["data"]), document.key  # key order
        assert all(value is not None for value in answer["data"].values()), document.key
        [outcome] = outcomes
        if outcome.compiled == (document.key in FALLBACK):
            wrong_path.append(
                f"{document.key}: {'compiled' if outcome.compiled else outcome.reason}"
            )
    return wrong_path


@pytest.mark.parametrize("tool", TOOLS)
async def test_each_document_equals_the_reference_on_its_expected_path(clients, tool):
    wrong_path = await _wrong_paths(clients, corpus(tool))
    assert not wrong_path, "path differs from FALLBACK:\n" + "\n".join(wrong_path)


async def test_the_client_shaped_workloads_equal_the_reference_on_their_expected_path(
    catalogue, clients
):
    async with catalogue.engine.connect() as connection:
        workloads = await choose_clients(connection)
    documents = [
        Document("benchmark", name, w.query, name, w.variables) for name, w in workloads.items()
    ]
    wrong_path = await _wrong_paths(clients, documents)
    assert not wrong_path, "path differs from FALLBACK:\n" + "\n".join(wrong_path)

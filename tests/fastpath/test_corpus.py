"""Issue 24: every client-shaped document answers exactly as Strawberry does, and takes the
path expected of it: compiled, or left to Strawberry for the reason written in FALLBACK.

Each document is POSTed as its client sent it, to the app with compiled execution on and
to the app with it off (the reference); the two answers must be the same JSON, key order
included, without errors, with every root field answered. When the compiler learns a
shape, a document leaves FALLBACK (the test fails until it does).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from benchmarks.workloads import CLIENT_WORKLOADS, choose_clients
from core.settings import Settings
from fastpath import RECORDER
from tests.conftest import app_client
from tests.fastpath.corpus_documents import TOOLS, Document, corpus


@dataclass(frozen=True)
class Why:
    """Why a document is left to Strawberry: in words, and the reasons the compiler gives."""

    words: str
    reasons: tuple[str, ...]


FALLBACK: dict[str, Why] = {}
"""The documents still answered by Strawberry, by `<tool>/<name>`, each with its reason,
e.g. `"app/Grid": Why("Grid.comparison is not compiled", ("Grid.comparison",))`, as it
was until comparison was compiled. Every document of the corpus compiles today."""


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
        why = FALLBACK.get(document.key)
        if outcome.compiled != (why is None) or (why and outcome.reason not in why.reasons):
            taken = "compiled" if outcome.compiled else outcome.reason
            expected = "compiled" if why is None else " or ".join(why.reasons)
            wrong_path.append(f"{document.key}: {taken}, expected {expected}")
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

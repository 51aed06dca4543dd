"""A long document is parsed and validated off the event loop (issue 14): graphql-core's
overlapping-fields rule is quadratic, and a 12 KB document within every size limit held
the loop, and `/healthz` with it, for 1.2 s."""

from __future__ import annotations

import asyncio
import threading
import uuid
from typing import Any

import httpx
import pytest

import schema.documents
from schema.documents import OFF_LOOP_BYTES

# Long texts within every limit (MAX_FIELD_MERGES now refuses 600 `grids` side by side
# unvalidated): a comment makes them long, the rules still walk what they select.
PADDING = "# " + "padding " * (OFF_LOOP_BYTES // 8) + "\n"
# Invalid: 25 fields named `grids` to compare pairwise, and a field Package lacks.
NESTED_SAME = (
    PADDING + "{ packages { nodes { " + " ".join(["grids { slug title }"] * 25) + " nope } } }"
)
# Valid: 25 inline fragments, each merged with every other.
MANY_INLINE = (
    PADDING + "{ packages { nodes { " + " ".join(["... on Package { title }"] * 25) + " } } }"
)


def _fresh(document: str) -> str:
    """A text no earlier request cached (a comment changes the text, not the document)."""
    return f"# {uuid.uuid4()}\n{document}"


@pytest.mark.parametrize("document", [NESTED_SAME, MANY_INLINE], ids=["invalid", "valid"])
async def test_the_loop_serves_others_while_a_long_document_is_validated(
    client: httpx.AsyncClient, demo: Any, monkeypatch: pytest.MonkeyPatch, document: str
) -> None:
    """Validation held on its thread: the event loop still answers. (On the loop, the
    held validation would hold every request; how long the loop waits in practice, the
    garbage collector's pauses included, is measured by benchmarks/protection.py.)"""
    entered, release = threading.Event(), threading.Event()
    real_validate = schema.documents.validate

    def held(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        release.wait(10)
        return real_validate(*args, **kwargs)

    monkeypatch.setattr(schema.documents, "validate", held)
    text = _fresh(document)
    assert len(text) >= OFF_LOOP_BYTES
    long_one = asyncio.create_task(client.post("/graphql", json={"query": text}))
    try:
        assert await asyncio.to_thread(entered.wait, 10)
        assert (await client.get("/healthz")).status_code == 200
        assert not long_one.done()  # still being validated, and the loop answered meanwhile
    finally:
        release.set()
    body = (await long_one).json()
    if document is NESTED_SAME:
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    else:
        assert len(body["data"]["packages"]["nodes"]) == 5


async def test_long_documents_are_validated_on_the_validation_thread(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[str] = []
    real_validate = schema.documents.validate

    def recording(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real_validate(*args, **kwargs)

    monkeypatch.setattr(schema.documents, "validate", recording)
    await client.post("/graphql", json={"query": _fresh(MANY_INLINE)})
    await client.post("/graphql", json={"query": f"{{ __typename }} # {uuid.uuid4()}"})
    assert threads[0].startswith("dpgraph-validate")
    assert threads[-1] == "MainThread"  # a short document stays on the loop: no hand-off
    assert len(threads) == 2  # each validated once, whichever path answered

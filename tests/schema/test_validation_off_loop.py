"""A long document is parsed and validated off the event loop (issue 14): graphql-core's
overlapping-fields rule is quadratic, and a 12 KB document within every size limit held
the loop, and `/healthz` with it, for 1.2 s."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from typing import Any

import httpx
import pytest

import schema.documents
from schema.documents import OFF_LOOP_BYTES

# Within the depth, field and token limits; 600 fields named `grids` to compare pairwise.
NESTED_SAME = "{ packages { nodes { " + " ".join(["grids { slug title }"] * 600) + " } } }"
# Valid: 600 inline fragments, each merged with every other.
MANY_INLINE = "{ packages { nodes { " + " ".join(["... on Package { title }"] * 600) + " } } }"


def _fresh(document: str) -> str:
    """A text no earlier request cached (a comment changes the text, not the document)."""
    return f"# {uuid.uuid4()}\n{document}"


async def _longest_stall(work: Any) -> tuple[Any, float]:
    """Run `work` while a ticker measures the longest the event loop went unserved."""
    gaps: list[float] = []
    done = asyncio.Event()

    async def tick() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    ticker = asyncio.create_task(tick())
    try:
        result = await work
    finally:
        done.set()
        await ticker
    return result, max(gaps, default=0.0)


@pytest.mark.parametrize("document", [NESTED_SAME, MANY_INLINE], ids=["invalid", "valid"])
async def test_a_long_document_does_not_stall_the_loop(
    client: httpx.AsyncClient, demo: Any, document: str
) -> None:
    text = _fresh(document)
    assert len(text) >= OFF_LOOP_BYTES
    response, stall = await _longest_stall(client.post("/graphql", json={"query": text}))
    body = response.json()
    if document is NESTED_SAME:
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    else:
        assert len(body["data"]["packages"]["nodes"]) == 5
    # 1.2 s on the loop before. What remains are the garbage collector's pauses, which
    # stop every thread: `benchmarks/protection.py` measures them with production GC
    # settings (tens of ms); this bound only catches validation back on the loop.
    assert stall < 0.5, f"the event loop stalled {stall * 1000:.0f} ms"


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

"""Caches bounded by the bytes they hold (issue 22: counted entries let 1,100 documents of
33 KB take 2.2 GB, 2,100 persisted documents of 900 KB 3.66 GB)."""

from __future__ import annotations

from core.byte_lru import ByteLRU, document_bytes
from server.graphql_http.persisted import MemoryPersistedQueries


def test_least_recently_used_out_past_the_budget() -> None:
    cache: ByteLRU[str, str] = ByteLRU(budget=100)
    cache.put("a", "A", 40)
    cache.put("b", "B", 40)
    assert cache.get("a") == "A"  # now the most recently used
    cache.put("c", "C", 40)
    assert cache.get("b") is None and cache.get("a") == "A" and cache.get("c") == "C"
    assert cache.used == 80


def test_an_entry_over_the_whole_budget_is_not_kept_and_evicts_nothing() -> None:
    cache: ByteLRU[str, str] = ByteLRU(budget=100)
    cache.put("a", "A", 60)
    assert cache.put("big", "B", 101) is False
    assert cache.get("big") is None and cache.get("a") == "A" and cache.used == 60


def test_replacing_an_entry_counts_its_new_size() -> None:
    cache: ByteLRU[str, str] = ByteLRU(budget=100)
    cache.put("a", "A", 60)
    cache.put("a", "AA", 30)
    assert cache.used == 30 and len(cache) == 1


def test_a_document_costs_its_text_and_its_parsed_form() -> None:
    assert document_bytes("x" * 33_000) > 3_000_000  # a 33 KB document parses to ~3 MB


async def test_the_persisted_store_keeps_bytes_not_documents() -> None:
    store = MemoryPersistedQueries(budget=2_000_000)
    document = "{ __typename }" + " " * 900_000
    for index in range(5):
        await store.put(f"{index:064x}", document + str(index))
    kept = [index for index in range(5) if await store.get(f"{index:064x}") is not None]
    assert kept == [3, 4]
    await store.put("f" * 64, " " * 2_000_001)  # over the whole budget
    assert await store.get("f" * 64) is None
    assert await store.get(f"{4:064x}") is not None

"""Parsed documents are cycles: enough parsed text triggers a full collection."""

from __future__ import annotations

import gc

import pytest

from core import garbage


def test_a_full_collection_after_so_many_bytes_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    collections: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda: collections.append(1))
    monkeypatch.setattr(garbage, "COLLECT_AFTER_BYTES", 1000)
    monkeypatch.setattr(garbage, "_parsed", 0)
    for _ in range(9):
        garbage.parsed_bytes(100)
    assert collections == []
    garbage.parsed_bytes(100)
    assert collections == [1]
    garbage.parsed_bytes(900)
    assert collections == [1]

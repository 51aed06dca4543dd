"""Each collection is observed, with its generation, once the server times them."""

from __future__ import annotations

import gc

from core.gc_pauses import time_collections
from metrics import GC_PAUSES


def _count(generation: int) -> float:
    for metric in GC_PAUSES.collect():
        for sample in metric.samples:
            if sample.name.endswith("_count") and sample.labels["generation"] == str(generation):
                return sample.value
    return 0.0


def test_a_full_collection_is_counted_once_and_timing_is_installed_once() -> None:
    time_collections()
    time_collections()
    before = _count(2)
    gc.collect()
    assert _count(2) == before + 1
    young = _count(0)
    gc.collect(0)
    assert _count(0) == young + 1

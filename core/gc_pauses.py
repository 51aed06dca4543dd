"""How long each cyclic garbage collection stops the process (`dpgraph_gc_pause_seconds`).

A collection runs between two bytecodes of whichever request allocated last, so every
request in flight waits for it: with 64 requests in flight, one 50 ms full collection
is 64 late answers. The histogram tells a tail made of collections from one made of
pool waits (`dpgraph_db_pool_wait_seconds`) or of the event loop's queue.
"""

from __future__ import annotations

import gc
import time
from typing import Any

from metrics import GC_PAUSES

_started: list[float] = [0.0]
_series = [GC_PAUSES.labels(generation=str(generation)) for generation in range(3)]


def _timed(phase: str, info: dict[str, Any]) -> None:
    if phase == "start":
        _started[0] = time.perf_counter()
        return
    generation = info.get("generation", 2)
    _series[min(max(generation, 0), 2)].observe(time.perf_counter() - _started[0])


def time_collections() -> None:
    """Observe every collection from now on (once per process)."""
    if _timed not in gc.callbacks:
        gc.callbacks.append(_timed)

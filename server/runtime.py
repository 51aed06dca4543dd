"""Process-level tuning done once the server has started.

A request allocates tens of thousands of short-lived objects; with CPython's default
gen-0 threshold (700) the cyclic collector runs every few hundred of them, and its full
collections walk every long-lived object (the schema, modules, settings): 70-115 ms
each on a loaded process. Freezing what start-up created takes those objects out of
every collection; a larger gen-0 threshold makes the young collections rarer.
"""

from __future__ import annotations

import gc

from core.gc_pauses import time_collections
from core.settings import Settings

DEFAULT_THRESHOLDS = gc.get_threshold()


def tune_garbage_collector(settings: Settings) -> None:
    time_collections()
    if settings.gc_freeze:
        gc.collect()
        gc.freeze()
    _, older, oldest = DEFAULT_THRESHOLDS
    gc.set_threshold(settings.gc_gen0_threshold, older, oldest)

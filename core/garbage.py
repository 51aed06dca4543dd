"""A full garbage collection after every so many bytes of parsed document text.

A parsed document is a cycle (its tokens link both ways), so a document dropped from
the caches, or never cached, waits for the cyclic collector, which counts objects, not
bytes: a 900 KB document is a few objects. With the young-generation threshold raised
for throughput (GC_GEN0_THRESHOLD), 30 such documents left about 100 MB of garbage
before a collection came. Counting the text parsed bounds it.
"""

from __future__ import annotations

import gc
import threading

COLLECT_AFTER_BYTES = 16 * 1024 * 1024
"""Characters of document text parsed between two full collections (a full collection
of the unfrozen heap takes a few milliseconds)."""

_lock = threading.Lock()
_parsed = 0


def parsed_bytes(size: int) -> None:
    """Count a parse of `size` characters; collect once enough have been parsed."""
    global _parsed
    with _lock:
        _parsed += size
        if _parsed < COLLECT_AFTER_BYTES:
            return
        _parsed = 0
    gc.collect()

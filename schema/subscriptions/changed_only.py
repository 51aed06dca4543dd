"""Send a subscription result only when the subscriber's own selection changed.

Each result is compared with the last one sent for the same object on the same
subscription; an equal one is dropped. Results of "prime" emissions become the
baseline without being sent, so the first real change is judged against the state
the subscriber started from.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncGenerator
from typing import Any

from schema.subscriptions import emission as emissions
from schema.subscriptions.emission import ObjectKey

REMEMBERED_OBJECTS = 1000  # per subscription; older baselines fall back to event fields


async def changed_only(results: AsyncGenerator[Any, None]) -> AsyncGenerator[Any, None]:
    last_sent: OrderedDict[ObjectKey, Any] = OrderedDict()
    try:
        async for result in results:
            emission = emissions.take()
            if emission is None or getattr(result, "errors", None):
                yield result
                continue
            data = result.data
            unchanged = emission.key in last_sent and last_sent[emission.key] == data
            last_sent[emission.key] = data
            last_sent.move_to_end(emission.key)
            while len(last_sent) > REMEMBERED_OBJECTS:
                last_sent.popitem(last=False)
            if emission.prime or (unchanged and not emission.force):
                continue
            emissions.mark_sent(emission)
            if emission.event_id is not None:
                result.extensions = {**(result.extensions or {}), "eventId": emission.event_id}
            yield result
    finally:
        await results.aclose()

"""COMPILED_DIFFERENTIAL for a cohort's compiled reads: each object's compiled result must
equal Strawberry's execution of the same object.

The two reads cannot share a snapshot (the compiled one runs on a connection of its own,
Strawberry's through loaders), and subscriptions are read while writes go on: a write that
commits between them makes them differ with neither wrong. So Strawberry's execution reads
everything afresh (the object itself too), and the compiled read is taken again after
it: the check fails only when the object held still across all three reads (the two
compiled reads agree) and Strawberry still saw otherwise.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson

from schema.subscriptions.emission import Emission
from schema.subscriptions.sharing import cohort_feed

logger = logging.getLogger(__name__)


async def check(emission: Emission, reference: Any) -> None:
    """AssertionError when Strawberry's `reference` differs from `emission.result` and the
    object did not change meanwhile."""
    compiled = orjson.dumps(emission.result)
    if not reference.errors and orjson.dumps(reference.data) == compiled:
        return
    feed = cohort_feed()
    again = await feed.compiled([emission.key]) if feed is not None else None
    now = (again or {}).get(emission.key)
    if now is None or orjson.dumps(now) != compiled:
        logger.info("%s changed while its compiled result was checked", emission.key)
        return
    raise AssertionError(
        f"a cohort's compiled result differs from Strawberry's for {emission.key}: "
        f"{compiled!r}, {orjson.dumps(reference.data)!r} ({reference.errors})"
    )

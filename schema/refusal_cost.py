"""A refused document spends rate-limit points for the work it caused.

A document that fails to parse, passes a document limit or fails validation is never
run, so it was never charged: 100 distinct documents of 590 `grids {}` spent 46.7 s
validating for free while other clients waited. Now each refusal costs points for its
size and for the time its parse and validation took (`work_objects`), at least one, from
the same budget as queries; a client whose budget is spent by refusals is refused
RATE_LIMITED before its next new document is even parsed (`spent`), until its window
resets.
"""

from __future__ import annotations

import time

from graphql import GraphQLError

from ratelimit.spending import current
from schema.context import Context
from schema.rate_limit import charge, client_address, rate_limited

OBJECTS_PER_CHARACTER = 0.1
"""1 point (100 objects) per KB of document text."""
OBJECTS_PER_SECOND = 10_000
"""1 point per 10 ms of parsing and validation."""
EXHAUSTED_CLIENTS = 10_000
"""Clients remembered as out of budget (least recently refused out first)."""


def work_objects(text: str, seconds: float) -> int:
    """A refusal's cost in objects (`ratelimit.points_for` turns them into points)."""
    return max(int(len(text) * OBJECTS_PER_CHARACTER), int(seconds * OBJECTS_PER_SECOND))


async def _client(context: Context) -> str:
    identity = await context.identity() if context.presented_token() is not None else None
    return (
        f"token:{identity.name}" if identity is not None else f"address:{client_address(context)}"
    )


async def spent(context: Context) -> GraphQLError | None:
    """RATE_LIMITED when refusals spent this client's budget and its window is still on."""
    if context.rate_limits is None or not context.rate_limits.exhausted:
        return None
    exhausted = context.rate_limits.exhausted
    client = await _client(context)
    budget = exhausted.get(client)
    if budget is None:
        return None
    if budget.reset_at <= time.time():
        exhausted.pop(client, None)
        return None
    slot = current()
    if slot is not None:
        slot.record(budget)  # the answer's status (429) and X-RateLimit headers
    return rate_limited(budget)


async def charge_refusal(context: Context, text: str, seconds: float) -> GraphQLError | None:
    """Spend the refusal's points; RATE_LIMITED when they do not fit."""
    budget = await charge(context, work_objects(text, seconds))
    if budget is None or budget.allowed or context.rate_limits is None:
        return None
    exhausted = context.rate_limits.exhausted
    client = await _client(context)
    exhausted[client] = budget
    exhausted.move_to_end(client)
    while len(exhausted) > EXHAUSTED_CLIENTS:
        exhausted.popitem(last=False)
    return rate_limited(budget)

"""Each operation spends rate-limit points (`ratelimit`); `rateLimit` on Query shows the
client its budget, and RATE_LIMITED refuses an operation that does not fit."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry
from graphql import GraphQLError
from starlette.requests import HTTPConnection

from metrics import REFUSALS
from ratelimit import Budget
from ratelimit.spending import current
from schema.context import Context

RATE_LIMITED = "RATE_LIMITED"


def client_address(context: Context) -> str:
    request = context.request
    if isinstance(request, HTTPConnection) and request.client is not None:
        return request.client.host
    return "unknown"


async def charge(context: Context, cost: int | None) -> Budget | None:
    """Spend this operation's points once (None: not limited). A query's admission and
    the reference's CostLimit both call this; the request's slot remembers the first."""
    slot = current()
    if slot is not None and slot.charged:
        return slot.budget
    budget = None
    if context.rate_limits is not None:
        identity = await context.identity() if context.presented_token() is not None else None
        budget = await context.rate_limits.charge(
            cost or 0,
            token_name=identity.name if identity is not None else None,
            address=client_address(context),
        )
    if budget is not None and not budget.allowed:
        REFUSALS.labels("rate_limit").inc()
    if slot is not None:
        slot.record(budget)
    return budget


def rate_limited(budget: Budget) -> GraphQLError:
    retry_after = budget.retry_after()
    return GraphQLError(
        f"Rate limit exceeded: this operation costs {budget.cost} points and "
        f"{budget.remaining} of {budget.limit} are left until the window resets in "
        f"{retry_after} s.",
        extensions={
            "code": RATE_LIMITED,
            "cost": budget.cost,
            "limit": budget.limit,
            "remaining": budget.remaining,
            "retryAfter": retry_after,
        },
    )


@strawberry.type(description="The caller's rate-limit budget, after this operation was charged.")
class RateLimit:
    cost: int = strawberry.field(
        description="Points this operation cost: what it may return, in objects / 100, at least 1."
    )
    limit: int = strawberry.field(description="Points the caller may spend per window.")
    used: int = strawberry.field(description="Points spent in this window, this operation's too.")
    remaining: int = strawberry.field(description="Points left in this window.")
    reset_at: datetime = strawberry.field(
        description="When the window ends and `remaining` is full again."
    )

    @classmethod
    def of(cls, budget: Budget) -> RateLimit:
        return cls(
            cost=budget.cost,
            limit=budget.limit,
            used=budget.used,
            remaining=budget.remaining,
            reset_at=datetime.fromtimestamp(round(budget.reset_at), UTC),
        )


def rate_limit_field() -> RateLimit | None:
    """Null when the caller is not limited (rate limiting off for it, or its store down)."""
    slot = current()
    budget = slot.budget if slot is not None else None
    return None if budget is None else RateLimit.of(budget)

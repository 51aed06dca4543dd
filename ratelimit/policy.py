"""Whose budget a request spends, and how big it is."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from ratelimit.budget import Budget, points_for
from ratelimit.stores import BudgetStore


@dataclass(frozen=True)
class RateLimits:
    """A token spends its own budget wherever it comes from; a request without one
    spends its address's (several users behind one address share it: give them tokens)."""

    store: BudgetStore
    address_points: int  # 0: requests without a token are not limited
    token_points: int  # 0: requests with a token are not limited
    window_seconds: float
    # Clients whose refused documents spent their budget, until their window resets
    # (`schema.refusal_cost`): their next document is refused before it is parsed.
    exhausted: OrderedDict[str, Budget] = field(
        default_factory=OrderedDict, compare=False, repr=False
    )

    async def charge(self, cost: int, *, token_name: str | None, address: str) -> Budget | None:
        """Spend the points of a query that may return `cost` objects (None: not limited)."""
        if token_name is not None:
            key, limit = f"token:{token_name}", self.token_points
        else:
            key, limit = f"address:{address}", self.address_points
        if limit <= 0:
            return None
        return await self.store.spend(key, points_for(cost), limit, self.window_seconds)

    async def close(self) -> None:
        await self.store.close()

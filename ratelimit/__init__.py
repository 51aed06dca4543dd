"""Rate limiting in cost points: each client (a token, else an address) has a budget of
points per window; a request spends what its query may cost (`schema.cost`)."""

from ratelimit.budget import Budget, points_for
from ratelimit.policy import RateLimits
from ratelimit.spending import Spending, spending
from ratelimit.stores import BudgetStore, MemoryBudgets, RedisBudgets

__all__ = [
    "Budget",
    "BudgetStore",
    "MemoryBudgets",
    "RateLimits",
    "RedisBudgets",
    "Spending",
    "points_for",
    "spending",
]

"""What one request was charged, and what its client has left in the window."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

OBJECTS_PER_POINT = 100
"""GitHub's normalisation: a query that may return up to 100 objects costs one point."""


def points_for(cost: int) -> int:
    """A query's rate-limit points from its cost in objects; never less than one, so a
    flood of small requests spends the budget too."""
    return max(1, math.ceil(cost / OBJECTS_PER_POINT))


@dataclass(frozen=True)
class Budget:
    allowed: bool
    cost: int  # the points this request costs (spent only when allowed)
    limit: int  # points per window
    used: int  # points spent in this window, this request's included when allowed
    reset_at: float  # when the window ends and the budget is full again (epoch seconds)

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    def retry_after(self, now: float | None = None) -> int:
        """Whole seconds until the window resets (at least 1): the Retry-After header."""
        return max(1, math.ceil(self.reset_at - (time.time() if now is None else now)))

    def headers(self) -> list[tuple[bytes, bytes]]:
        """GitHub's X-RateLimit-* names (Reset in epoch seconds), as raw ASGI headers."""
        return [
            (b"x-ratelimit-limit", b"%d" % self.limit),
            (b"x-ratelimit-remaining", b"%d" % self.remaining),
            (b"x-ratelimit-used", b"%d" % self.used),
            (b"x-ratelimit-reset", b"%d" % math.ceil(self.reset_at)),
        ]

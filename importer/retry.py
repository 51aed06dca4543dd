"""When to retry a request and how long to wait: exponential backoff, jitter, Retry-After."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from core.retry_after import parse_retry_after

# Worth another try: rate limited, or the server (or a proxy in front of it) failed.
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """`attempts` counts the first try; the n-th retry waits about `base * factor**(n-1)`.

    Jitter spreads retries from concurrent requests apart, so they do not return to
    an overloaded server all at the same instant.
    """

    attempts: int = 5
    base: float = 1.0
    factor: float = 2.0
    max_delay: float = 60.0
    jitter: float = 0.25
    max_retry_after: float = 600.0
    random: Callable[[], float] = field(default=random.random, compare=False)

    def backoff(self, retry: int) -> float:
        """Seconds before retry number `retry` (1 for the first retry)."""
        delay = self.base * self.factor ** (retry - 1) * (1 + self.jitter * self.random())
        return min(self.max_delay, delay)

    def delay(self, retry: int, retry_after: str | None, now: datetime) -> float:
        """What the server asked for (Retry-After), else the backoff."""
        asked = parse_retry_after(retry_after, now)
        if asked is None:
            return self.backoff(retry)
        return min(asked, self.max_retry_after)

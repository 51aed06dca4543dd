"""One POST to a receiver, and when to try again after a failure."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from core.retry_after import parse_retry_after

USER_AGENT = "dpgraph-webhooks/1"


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    status_code: int | None = None
    error: str | None = None
    retry_after: float | None = None  # seconds the receiver asked for


async def post(
    client: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str], timeout: float
) -> Outcome:
    """Any 2xx is a delivery; anything else (redirects included: they are not followed)
    is a failure to retry. The answer's body is never read."""
    try:
        async with client.stream(
            "POST",
            url,
            content=body,
            headers={**headers, "user-agent": USER_AGENT},
            timeout=timeout,
            follow_redirects=False,
        ) as response:
            status = response.status_code
            retry_after = parse_retry_after(response.headers.get("retry-after"), datetime.now(UTC))
    except httpx.TimeoutException:
        return Outcome(False, error=f"no answer within {timeout:g} s")
    except httpx.HTTPError as error:
        return Outcome(False, error=f"{type(error).__name__}: {error}"[:500])
    if 200 <= status < 300:
        return Outcome(True, status)
    return Outcome(False, status, f"the receiver answered HTTP {status}", retry_after)


def retry_delay(
    attempts: int,
    *,
    base: float,
    maximum: float,
    retry_after: float | None = None,
    rng: Callable[[], float] = random.random,
) -> float:
    """Exponential backoff with jitter (half to all of base * 2^(n-1)), never sooner than
    the receiver's Retry-After, never longer than `maximum`."""
    backoff = min(maximum, base * 2 ** max(0, attempts - 1))
    delay = backoff * (0.5 + rng() / 2)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return float(min(delay, maximum))

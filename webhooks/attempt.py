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


def pinned(url: str, connect_to: str | None) -> tuple[httpx.URL, dict[str, str], dict[str, str]]:
    """(URL, extra headers, request extensions) that reach `connect_to`, the address the
    target check approved, while the receiver sees the URL's host: in the Host header,
    and for https in TLS SNI and the certificate check (httpx's `sni_hostname`)."""
    original = httpx.URL(url)
    if connect_to is None:
        return original, {}, {}
    extensions = {"sni_hostname": original.host} if original.scheme == "https" else {}
    host_header = original.netloc.decode("ascii")
    return original.copy_with(host=connect_to), {"host": host_header}, extensions


async def post(
    client: httpx.AsyncClient,
    url: str,
    body: bytes,
    headers: dict[str, str],
    timeout: float,
    *,
    connect_to: str | None = None,
) -> Outcome:
    """Any 2xx is a delivery; anything else (redirects included: they are not followed)
    is a failure to retry. The answer's body is never read. `connect_to`: the checked
    address to connect to (`pinned`)."""
    target, host, extensions = pinned(url, connect_to)
    try:
        async with client.stream(
            "POST",
            target,
            content=body,
            headers={**headers, **host, "user-agent": USER_AGENT},
            timeout=timeout,
            follow_redirects=False,
            extensions=extensions,
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

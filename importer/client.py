"""A polite HTTP client for the v4 API: bounded concurrency, a rate, timeouts and retries."""

from __future__ import annotations

import asyncio
import logging
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import httpx

from importer.errors import FetchFailed, Unreachable
from importer.pacing import Pacer, TimeSource
from importer.retry import RETRY_STATUSES, RetryPolicy

logger = logging.getLogger("dpgraph.import")


def user_agent() -> str:
    try:
        release = version("dpgraph")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        release = "0"
    return f"dpgraph/{release} (Django Packages v4 importer; python-httpx/{httpx.__version__})"


def build_http(
    *, timeout: float = 30.0, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """The httpx client: our User-Agent, JSON wanted, redirects followed, every phase timed."""
    return httpx.AsyncClient(
        transport=transport,
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        headers={"User-Agent": user_agent(), "Accept": "application/json"},
        follow_redirects=True,
    )


class Client:
    """GET JSON with at most `concurrency` requests in flight and `rate` starts per second.

    429, 408 and 5xx answers and network errors are retried with exponential backoff
    plus jitter, or after the server's Retry-After; other 4xx answers fail at once.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        concurrency: int = 4,
        rate: float | None = 4.0,
        policy: RetryPolicy | None = None,
        time: TimeSource | None = None,
    ) -> None:
        self.http = http
        self.policy = policy or RetryPolicy()
        self.requests = 0
        self._slots = asyncio.Semaphore(concurrency)
        self.time = time or TimeSource()
        self._pacer = Pacer(rate, clock=self.time.monotonic, sleep=self.time.sleep)

    async def get_json(self, url: str) -> Any:
        for attempt in range(1, self.policy.attempts + 1):
            response, failure = await self._attempt(url)
            if response is not None and response.status_code < 400:
                return _json(url, response)
            retryable = failure is not None or (
                response is not None and response.status_code in RETRY_STATUSES
            )
            if not retryable or attempt == self.policy.attempts:
                raise _give_up(url, response, failure, attempt)
            asked = None if response is None else response.headers.get("Retry-After")
            delay = self.policy.delay(attempt, asked, self.time.now())
            if asked is not None:
                self._pacer.hold(delay)
            logger.warning(
                "GET %s: %s; retry %d of %d in %.1f s",
                url,
                _describe(response, failure),
                attempt,
                self.policy.attempts - 1,
                delay,
            )
            await self.time.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _attempt(self, url: str) -> tuple[httpx.Response | None, httpx.TransportError | None]:
        async with self._slots:
            await self._pacer.wait()
            self.requests += 1
            try:
                response = await self.http.get(url)
            except httpx.TransportError as error:
                return None, error
            await response.aread()
            return response, None


def _json(url: str, response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        kind = response.headers.get("Content-Type", "no content type")
        raise FetchFailed(url, f"the response is not JSON ({kind})") from None


def _describe(response: httpx.Response | None, failure: httpx.TransportError | None) -> str:
    if response is not None:
        return f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
    return f"{type(failure).__name__}: {failure}".rstrip(": ")


def _give_up(
    url: str,
    response: httpx.Response | None,
    failure: httpx.TransportError | None,
    attempts: int,
) -> FetchFailed:
    tries = f"after {attempts} attempts" if attempts > 1 else "on the first attempt"
    if response is None:
        return Unreachable(url, f"{_describe(response, failure)} ({tries})")
    return FetchFailed(
        url, f"{_describe(response, failure)} ({tries})", status=response.status_code
    )

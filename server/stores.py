"""Which connection limiter, rate-limit store and persisted-query store the settings ask
for: Redis when REDIS_URL is set (the broker: `events.factory`)."""

from __future__ import annotations

from core.settings import Settings
from ratelimit import MemoryBudgets, RateLimits, RedisBudgets
from schema.trusted import load_manifest
from server.graphql_http.persisted import (
    MemoryPersistedQueries,
    PersistedQueries,
    RedisPersistedQueries,
    TrustedPersistedQueries,
)
from server.guards.limits import ConnectionLimiter, MemoryLimiter, RedisLimiter


def make_limiter(settings: Settings) -> ConnectionLimiter:
    if settings.redis_url:
        return RedisLimiter(
            settings.redis_url,
            settings.max_connections_per_client,
            prefix=settings.redis_prefix,
            timeout=settings.redis_timeout_seconds,
        )
    return MemoryLimiter(settings.max_connections_per_client)


def make_persisted_queries(settings: Settings) -> PersistedQueries:
    if settings.trusted_documents is not None:
        return TrustedPersistedQueries(load_manifest(settings.trusted_documents))
    if settings.redis_url:
        return RedisPersistedQueries(
            settings.redis_url,
            prefix=settings.redis_prefix,
            timeout=settings.redis_timeout_seconds,
        )
    return MemoryPersistedQueries(settings.persisted_query_bytes)


def make_rate_limits(settings: Settings) -> RateLimits:
    store = (
        RedisBudgets(
            settings.redis_url,
            prefix=settings.redis_prefix,
            timeout=settings.redis_timeout_seconds,
        )
        if settings.redis_url
        else MemoryBudgets()
    )
    return RateLimits(
        store,
        address_points=settings.rate_limit_points,
        token_points=settings.rate_limit_token_points,
        window_seconds=settings.rate_limit_window_seconds,
    )

"""Which broker, connection limiter, rate-limit store and persisted-query store the
settings ask for: Redis when REDIS_URL is set."""

from __future__ import annotations

from events.broker import Broker
from events.memory import MemoryBroker
from events.redis import RedisBroker
from ratelimit import MemoryBudgets, RateLimits, RedisBudgets
from schema.trusted import load_manifest
from server.limits import ConnectionLimiter, MemoryLimiter, RedisLimiter
from server.persisted import (
    MemoryPersistedQueries,
    PersistedQueries,
    RedisPersistedQueries,
    TrustedPersistedQueries,
)
from server.settings import Settings


def make_broker(settings: Settings) -> Broker:
    if settings.redis_url:
        return RedisBroker(
            settings.redis_url, prefix=settings.redis_prefix, window=settings.event_replay_window
        )
    return MemoryBroker(window=settings.event_replay_window)


def make_limiter(settings: Settings) -> ConnectionLimiter:
    if settings.redis_url:
        return RedisLimiter(
            settings.redis_url, settings.max_connections_per_client, prefix=settings.redis_prefix
        )
    return MemoryLimiter(settings.max_connections_per_client)


def make_persisted_queries(settings: Settings) -> PersistedQueries:
    if settings.trusted_documents is not None:
        return TrustedPersistedQueries(load_manifest(settings.trusted_documents))
    if settings.redis_url:
        return RedisPersistedQueries(settings.redis_url, prefix=settings.redis_prefix)
    return MemoryPersistedQueries()


def make_rate_limits(settings: Settings) -> RateLimits:
    store = (
        RedisBudgets(settings.redis_url, prefix=settings.redis_prefix)
        if settings.redis_url
        else MemoryBudgets()
    )
    return RateLimits(
        store,
        address_points=settings.rate_limit_points,
        token_points=settings.rate_limit_token_points,
        window_seconds=settings.rate_limit_window_seconds,
    )

"""Which broker the settings ask for: Redis when REDIS_URL is set (every process, and the
command-line importer, share its stream), else one in this process."""

from __future__ import annotations

from core.settings import Settings
from events.broker import Broker
from events.memory import MemoryBroker
from events.redis import RedisBroker


def subscriptions_refusal(settings: Settings) -> str | None:
    """Several worker processes, each with its own in-process broker, would each see only
    the changes made through it (half the events with two, and the same event ids given
    to different changes): without REDIS_URL they serve no subscriptions at all."""
    if settings.workers > 1 and not settings.redis_url:
        return (
            f"This server runs {settings.workers} worker processes without REDIS_URL: each "
            "would see only the changes made through it, so none serves subscriptions. "
            "Set REDIS_URL, or run one worker."
        )
    return None


def make_broker(settings: Settings) -> Broker:
    if settings.redis_url:
        return RedisBroker(
            settings.redis_url, prefix=settings.redis_prefix, window=settings.event_replay_window
        )
    return MemoryBroker(window=settings.event_replay_window)

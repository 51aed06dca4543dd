"""Which broker the settings ask for: Redis when REDIS_URL is set (every process, and the
command-line importer, share its stream), else one in this process."""

from __future__ import annotations

from core.settings import Settings
from events.broker import Broker
from events.memory import MemoryBroker
from events.redis import RedisBroker


def make_broker(settings: Settings) -> Broker:
    if settings.redis_url:
        return RedisBroker(
            settings.redis_url, prefix=settings.redis_prefix, window=settings.event_replay_window
        )
    return MemoryBroker(window=settings.event_replay_window)

"""Change events: from the write path, through a broker, to this process's subscribers.

writes (after commit) -> EventHub.publish -> Broker (memory | Redis) -> every process's
EventHub listener -> Delivery (events + per-event loaders) -> each subscription's inbox

The hub and what it hands out (`events.hub`) are imported from their module: the hub
brings the loaders and Strawberry, which a process that only publishes (the importer,
`events.publish`) starts faster without.
"""

from events.broker import Broker, BrokerUnavailable, InvalidEventId, ReplayGap
from events.model import Event

__all__ = [
    "Broker",
    "BrokerUnavailable",
    "Event",
    "InvalidEventId",
    "ReplayGap",
]

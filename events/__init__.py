"""Change events: from the write path, through a broker, to this process's subscribers.

writes (after commit) -> EventHub.publish -> Broker (memory | Redis) -> every process's
EventHub listener -> Delivery (events + per-event loaders) -> each subscription's inbox
"""

from events.broker import Broker, BrokerUnavailable, InvalidEventId, ReplayGap
from events.hub import Delivery, EventHub, Inbox, Interrupted, Place, PlaceLost
from events.model import Event

__all__ = [
    "Broker",
    "BrokerUnavailable",
    "Delivery",
    "Event",
    "EventHub",
    "Inbox",
    "Interrupted",
    "InvalidEventId",
    "Place",
    "PlaceLost",
    "ReplayGap",
]

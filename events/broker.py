"""What a broker does: number and fan out events to every process, and replay recent ones.

BrokerUnavailable   the broker cannot be reached (its listener ends with this)
ReplayGap           the event id asked for is older than the replay window
InvalidEventId      the event id is not one this broker could have given
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Protocol

from events.model import Event
from writes.changes import Change


class BrokerUnavailable(ConnectionError):
    pass


class ReplayGap(LookupError):
    pass


class InvalidEventId(ValueError):
    pass


class Broker(Protocol):
    async def publish(self, events: Sequence[Event]) -> None:
        """Give the events ids and send them to every listening process."""

    def listen(self) -> AsyncIterator[list[Event]]:
        """Batches of events as published, by any process; raises BrokerUnavailable on loss."""

    async def replay(self, after: str) -> list[Event]:
        """Events published after the event `after`, oldest first (within the window)."""

    async def head(self) -> str:
        """The id of the newest event (or of the stream's start when it has none): resuming
        after it gives every event published from now on, whichever process publishes."""

    def origin(self) -> str | None:
        """An id to resume after that replays every event this broker still holds since it
        started, or None when it cannot say (events may already be gone)."""

    async def close(self) -> None: ...


def change_publisher(broker: Broker) -> Callable[[Sequence[Change]], Awaitable[None]]:
    """The write path's publisher (called after the commit) over `broker`: the hub's, and
    the importer's, which needs no hub (`events.hub` brings the loaders and Strawberry)."""

    async def publish(changes: Sequence[Change]) -> None:
        await broker.publish([Event.from_change(change) for change in changes])

    return publish

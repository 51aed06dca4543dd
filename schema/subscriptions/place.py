"""Where a subscription starts in the event stream.

The transport fixes the place when the client's `subscribe` (or SSE/multipart request)
arrives; `follow` opens the subscription's inbox with it once set-up is done, and gets
every change delivered in between. Set-up (checking the document, reading the
arguments, joining a shared stream) can take seconds under load: a change committed
meanwhile must still reach the subscriber.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from events.hub import EventHub, Place

_PLACE: ContextVar[Place | None] = ContextVar("dpgraph_subscribed_at", default=None)


@contextmanager
def subscribed_at(place: Place | None) -> Iterator[None]:
    """Tasks started in this block (the operation's) carry `place`."""
    token = _PLACE.set(place)
    try:
        yield
    finally:
        _PLACE.reset(token)


@contextmanager
def subscribed_now(hub: EventHub | None) -> Iterator[None]:
    """The hub's place now, for what starts in this block (None: no hub, nothing to fix)."""
    with subscribed_at(hub.mark() if hub is not None else None):
        yield


def subscription_place() -> Place | None:
    return _PLACE.get()

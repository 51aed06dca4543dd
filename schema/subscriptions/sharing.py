"""How a transport shares one subscription stream between identical subscribers.

Subscribers with the same document, variables and permission class receive the same
results, so the WebSocket transport (`server.websocket.fanout`) runs one reference stream
per such group and writes each encoded result to every member. A subscriber joins in
two steps:

1. Admission: its own stream runs with `admitting()` set, through every check a
   subscription meets (validation, cost, rate limit, argument errors). `follow` stops
   where it would start listening, marks the admission and ends the stream quietly.
   A subscriber resuming with `lastEventId` is never admitted: its replay is its own.
2. The group's stream runs with `group_stream()` set: it was charged at admission, and
   the hub counts its members, not its one inbox, as active subscriptions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class Admission:
    admitted: bool = False


_ADMISSION: ContextVar[Admission | None] = ContextVar("dpgraph_group_admission", default=None)
# In a group's stream: how many members it has now.
_GROUP_STREAM: ContextVar[Callable[[], int] | None] = ContextVar(
    "dpgraph_group_stream", default=None
)


@contextmanager
def admitting() -> Iterator[Admission]:
    admission = Admission()
    token = _ADMISSION.set(admission)
    try:
        yield admission
    finally:
        _ADMISSION.reset(token)


def admit(last_event_id: str | None) -> bool:
    """True when this stream only asked to join a group (and is now admitted to it)."""
    admission = _ADMISSION.get()
    if admission is None or last_event_id is not None:
        return False
    admission.admitted = True
    return True


@contextmanager
def group_stream(members: Callable[[], int]) -> Iterator[None]:
    token = _GROUP_STREAM.set(members)
    try:
        yield
    finally:
        _GROUP_STREAM.reset(token)


def in_group_stream() -> bool:
    return _GROUP_STREAM.get() is not None


def group_members() -> Callable[[], int] | None:
    """In a group's stream, its member count (the hub reports it as its subscribers)."""
    return _GROUP_STREAM.get()

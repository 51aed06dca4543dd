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

A subscriber whose objects are nothing but the ones it names (`packageChanged(ids: $i)`
or `slugs`, no other filter) is admitted with a `CohortTicket`: the objects it follows
and the variables its selection reads. Subscribers with the same document, those
variables and permission class form a cohort, which runs one stream for all
(`server.websocket.cohort`, `schema.subscriptions.cohort_follow`): the stream follows
the union of its members' objects, and each member hears of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

ObjectKey = tuple[str, int]


@dataclass(frozen=True)
class CohortTicket:
    """What a cohort needs of an admitted subscriber."""

    follows: frozenset[ObjectKey]  # the objects it follows
    # The same, in the order a stream of its own reads them as its baseline.
    primes: tuple[ObjectKey, ...]
    types: frozenset[str]  # of those objects (as the hub routes them)
    selection_variables: str  # the values its selection reads (`schema.subscriptions.cohorts`)


@dataclass
class Admission:
    admitted: bool = False
    cohort: CohortTicket | None = None


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


_COHORT_FEED: ContextVar[Any] = ContextVar("dpgraph_cohort_feed", default=None)


def admit(last_event_id: str | None, cohort: CohortTicket | None = None) -> bool:
    """True when this stream only asked to join a group (and is now admitted to it);
    `cohort`: it may join a cohort instead."""
    admission = _ADMISSION.get()
    if admission is None or last_event_id is not None:
        return False
    admission.admitted = True
    admission.cohort = cohort
    return True


@contextmanager
def feeding(feed: Any) -> Iterator[None]:
    """The stream run in this block is a cohort's (`feed`: the cohort)."""
    token = _COHORT_FEED.set(feed)
    try:
        yield
    finally:
        _COHORT_FEED.reset(token)


def cohort_feed() -> Any:
    """In a cohort's stream, its cohort (None elsewhere)."""
    return _COHORT_FEED.get()


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

"""What both kinds of cohort do alike on their stream's side
(`schema.subscriptions.cohort_follow.Feed`): WebSocket members (`server.websocket.cohort`)
and webhooks (`server.webhook_cohort`) differ in how results reach a member, not in how
members join the stream or which objects the hub routes to it.

Routing: the hub routes an object to the cohort's inbox while at least one enlisted
member follows it. Members of a cohort often share objects (two integrations watching the
same package), so each object counts its followers: one of them leaving keeps the object
routed for the others; the last one leaving stops it (`EventHub.follow_less`).

Also here: a member's arrival queued in order with the batches (`Arrivals`), and, per
member, the last event its own stream would have been handed (what it resumes after when
the stream is interrupted or a webhook moves its cursor).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections import Counter
from collections.abc import Iterable, Sequence, Sized
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from events import Event
from events.hub import EventHub
from schema.subscriptions.cohort_follow import Arrival, Arrivals
from schema.subscriptions.emission import ObjectKey
from schema.subscriptions.place import subscribed_at
from schema.subscriptions.sharing import CohortTicket, feeding, group_stream
from server.websocket.cohort_reads import CompiledReads
from server.websocket.shared_stream import read_shared

if TYPE_CHECKING:
    from strawberry.types.execution import ExecutionResult

    from server.websocket.fanout import StreamStarter


class CohortMember(Protocol):
    """What the shared part keeps on a member (the rest is its kind's own)."""

    enlisted: bool  # its objects are routed to the cohort's inbox
    arrived_at: int | None  # the cohort's batch count when it arrived
    last_seen: str | None  # the last event its own stream was handed before that


M = TypeVar("M", bound=CohortMember)


class CohortFeed(Generic[M]):
    """The stream's side of a cohort, but for what reaches its members: `_fan_out` (each
    result), `_end` (the stream's last word) and `_forget` (out of its registry) are the
    kind's own, as is `_enlist` (how a member's place and missed events are found)."""

    members: Sized
    _logger: logging.Logger
    _failure = "a cohort's subscription stream failed"

    def __init__(self, starter: StreamStarter) -> None:
        self._pending: list[M] = []  # until the stream's inbox opens
        self._routed: Counter[ObjectKey] = Counter()  # enlisted members per object
        self._hub: EventHub | None = None
        self._inbox: Any = None
        self._types: frozenset[str] = frozenset()
        self._aimed: list[M] | None = None
        # For each member's own last event: the batches it would have heard of alone
        # (numbered), their last events.
        self._batches = 0
        self._last_wide: tuple[int, str] | None = None
        self._last_of: dict[ObjectKey, tuple[int, str]] = {}
        self.reads = CompiledReads(starter)  # the batch's objects, read compiled
        self.ended = False
        # (It first runs once the subclass's `__init__` has returned.)
        self._task = asyncio.create_task(self._run(starter), context=contextvars.Context())

    # -- the kind's own

    def _enlist(self, member: M) -> None:
        raise NotImplementedError

    def _forget(self) -> None:
        raise NotImplementedError

    def _fan_out(self, result: ExecutionResult) -> None:
        raise NotImplementedError

    def _end(self, kind: str, payload: list[Any] | None = None) -> None:
        raise NotImplementedError

    # -- the stream's side (`schema.subscriptions.cohort_follow.Feed`)

    def listeners(self) -> int:
        return len(self.members)

    def attach(self, hub: EventHub, inbox: Any) -> None:
        self._hub, self._inbox, self._types = hub, inbox, inbox.types
        pending, self._pending = self._pending, []
        for member in pending:
            self._enlist(member)

    def aim(self, members: list[Any] | None) -> None:
        """The results that follow are for these members alone (arriving ones)."""
        self._aimed = members

    async def compiled(self, keys: Sequence[ObjectKey]) -> dict[ObjectKey, Any] | None:
        return await self.reads(keys)

    def checking(self) -> AbstractContextManager[None]:
        return self.reads.checking()

    def detach(self) -> None:
        self._inbox = None
        self.ended = True

    # -- joining and leaving

    def _queue_arrival(
        self,
        member: M,
        ticket: CohortTicket,
        primes: tuple[ObjectKey, ...],
        missed: list[Event],
    ) -> bool:
        """Route the member's objects here from now on and queue its arrival with what it
        missed, in the arrivals queued last if no batch came after them (members joining
        at once are one item of the bounded inbox). False: the inbox cannot take it (full,
        overflowed, or opened for other types); the member should leave."""
        hub, inbox = self._hub, self._inbox
        assert hub is not None and inbox is not None
        queue = inbox.queue
        waiting = queue._queue  # (asyncio.Queue's own deque: is its last item open arrivals?)
        joins = waiting[-1] if waiting and isinstance(waiting[-1], Arrivals) else None
        if (joins is None and queue.full()) or inbox.overflowed or ticket.types != self._types:
            return False
        routed = [key for key in ticket.follows if key not in self._routed]
        self._routed.update(ticket.follows)
        hub.follow_more(inbox, routed)
        member.enlisted = True
        arrival = Arrival(member, primes, ticket.follows, ticket.types, missed)
        if joins is None:
            queue.put_nowait(Arrivals([arrival]))
        else:
            joins.members.append(arrival)
        return True

    def _unroute(self, member: M, follows: Iterable[ObjectKey]) -> None:
        """A leaving member's objects: those no other enlisted member follows are no longer
        routed here."""
        if not member.enlisted:
            return
        member.enlisted = False
        unrouted = []
        for key in follows:
            self._routed[key] -= 1
            if self._routed[key] <= 0:
                del self._routed[key]
                self._last_of.pop(key, None)
                unrouted.append(key)
        if self._hub is not None and self._inbox is not None:
            self._hub.follow_less(self._inbox, unrouted)

    # -- each member's own last event

    def _count_batch(self, events: Sequence[Event]) -> None:
        """A batch went by: the last event of it each member's own stream was handed (one
        about another type reaches every member; one about an object, its followers)."""
        self._batches += 1
        last = (self._batches, events[-1].id)
        types = self._types
        for event in events:
            kind = event.object.type
            if kind not in types:
                self._last_wide = last
            elif (key := (kind, event.object.id)) in self._routed:
                self._last_of[key] = last

    def _last_event(self, member: M, follows: Iterable[ObjectKey]) -> str | None:
        """The last event of the batches counted so far that the member's own stream would
        have been handed."""
        since = member.arrived_at
        if since is None:
            return member.last_seen
        best: tuple[int, str] | None = None
        for candidate in (self._last_wide, *(self._last_of.get(key) for key in follows)):
            if (
                candidate is not None
                and candidate[0] > since
                and (best is None or candidate > best)
            ):
                best = candidate
        return best[1] if best is not None else member.last_seen

    # -- the stream

    async def _run(self, starter: StreamStarter) -> None:
        with group_stream(self.listeners), feeding(self), subscribed_at(None):
            try:
                await read_shared(starter, self._fan_out, self._end)
            except asyncio.CancelledError:
                self.ended = True
                self._forget()
                raise
            except Exception:
                self._logger.exception(self._failure)
                self._end("complete")

"""One subscription stream per cohort of WebSocket subscribers that each follow their own
objects.

Integrations that each watch their own packages send the same document with their own
`ids` or `slugs`: a cohort (`schema.subscriptions.cohorts`; the same document, the same
values for the variables the selection reads, the same permission class). A `Group`
(`server.websocket.fanout`) needs identical variables; a cohort runs one Strawberry
stream for all its members (`schema.subscriptions.cohort_follow`): it follows the union
of their objects, resolves and encodes each changed object once per batch, and hands the
bytes, behind each member's own id, to the members that follow that object, unless the
member's own changed-only compare (its last result for that object, as
`schema.subscriptions.changed_only` keeps per stream) says silence. 2,000 integrations
of 3 packages each cost one stream, not 2,000. Members that follow the same objects and
hold equal last results share those (`Flock`): a member costs no more than a group's did.
A selection the compiled path takes is read for all of a batch's objects at once
(`server.websocket.cohort_reads`), one statement per plan level, instead of one
Strawberry execution per object.

Each member was admitted through its own stream first (`schema.subscriptions.sharing`):
validation, cost, rate limit and argument errors are its own. It joins at its own place:
the hub routes its objects to the cohort's inbox from that moment, and what happened
since its `subscribe` arrived is caught up for it alone (`Arrival`). A member the cohort
cannot take (its place is lost, the inbox is full) runs a stream of its own, which
reports what a solo stream reports. How members join, which objects are routed here and
each member's own last event are the same for webhooks (`server.cohort_feed`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any

import orjson
from strawberry.types.execution import ExecutionResult

from events import Event
from events.hub import Place, PlaceLost
from metrics import SUBSCRIPTIONS
from schema.subscriptions import emission as emissions
from schema.subscriptions.cohort_follow import INTERRUPTED_AT, Arrival
from schema.subscriptions.emission import ObjectKey
from schema.subscriptions.sharing import CohortTicket
from server.cohort_feed import CohortFeed
from server.websocket.shared_stream import encoded_payload

if TYPE_CHECKING:
    from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import Operation

    from server.websocket.fanout import StreamStarter, SubscriptionGroups
    from server.websocket.outbox import Outbox

logger = logging.getLogger(__name__)

_NOTHING = object()
_SENTINEL = orjson.dumps(INTERRUPTED_AT).decode()


Joining = tuple[CohortTicket, Place | None, asyncio.Future[bool]]


class Member:
    """One subscriber of a cohort: its operation, outbox and flock.

    A cohort keeps thousands, so a member holds no more than a group's member did: what
    only its joining needs (its ticket, its place, the future its transport waits on) is
    let go once it has joined, its `next` frames' prefix is made as they are sent (one
    copy per operation id, `_prefix`), and its objects and baselines are its flock's."""

    __slots__ = (
        "arrived_at",
        "enlisted",
        "flock",
        "joining",
        "last_seen",
        "live",
        "operation",
        "outbox",
    )

    def __init__(
        self,
        operation: Operation[Any, Any],
        outbox: Outbox,
        ticket: CohortTicket,
        place: Place | None,
        flock: Flock,
    ) -> None:
        self.operation = operation
        self.outbox = outbox
        self.flock = flock
        # Until it is enlisted: its ticket, its `subscribe`'s place in the event stream, and
        # whether the cohort took it (its transport waits on it).
        self.joining: Joining | None = (
            ticket,
            place,
            asyncio.get_running_loop().create_future(),
        )
        self.enlisted = False  # its objects are routed to the cohort's inbox
        self.arrived_at: int | None = None  # the cohort's batch count when it arrived
        self.last_seen: str | None = None  # the last event of what it was caught up on
        self.live = True


class Flock:
    """Members that follow the same objects and hold the same changed-only baselines for
    them (kept in the cohort's followers of each object, keyed by the flock): 2,000
    subscribers of the same package are one entry there, not 2,000.

    A member arrives in a flock of its own (its baselines are read for it alone); once it
    has arrived it joins the cohort's last flock of the same objects if their baselines are
    equal. From then on every result for one of their objects reaches all of them alike,
    so the baselines stay shared; what is a member's own (forced batches, its last event)
    stays on the member."""

    __slots__ = ("follows", "live", "members")

    def __init__(self, follows: tuple[ObjectKey, ...]) -> None:
        # Only ever iterated: a tuple is a quarter of a small frozenset's size.
        self.follows = follows
        self.members: list[Member] = []  # the live ones and some that left (`live` counts)
        self.live = 0


class Cohort(CohortFeed[Member]):
    _logger = logger

    def __init__(
        self, groups: SubscriptionGroups, key: tuple[Hashable, ...], stream: StreamStarter
    ) -> None:
        super().__init__(stream)
        self._groups = groups
        self.key = key
        self.members: dict[Operation[Any, Any], Member] = {}
        # Per object, its flocks and each one's last result for it (its changed-only
        # baseline; _NOTHING before its first): flocks from their member's arrival, or
        # from the baseline read for it as it arrives. (Kept here, not in a dict per
        # member: a cohort has thousands.)
        self._followers: dict[ObjectKey, dict[Flock, Any]] = {}
        # The flock the next member to arrive with the same objects may join.
        self._flocks: dict[tuple[ObjectKey, ...], Flock] = {}
        # The baselines read for members as they arrive, by their flocks of their own, until
        # they have arrived (then into `_followers`, or gone with the flock they join).
        self._arriving: dict[Flock, dict[ObjectKey, Any]] = {}
        # Members whose next batch is forced, by the objects they follow.
        self._forced: set[Member] = set()
        self._forced_of: dict[ObjectKey, set[Member]] = {}

    # -- members (the transport's side)

    def add(
        self,
        operation: Operation[Any, Any],
        outbox: Outbox,
        ticket: CohortTicket,
        place: Place | None,
    ) -> asyncio.Future[bool]:
        """Once the stream listens: whether it took the member (False: the member runs a
        stream of its own)."""
        follows = tuple(ticket.follows)
        settled = self._flocks.get(follows)  # (its tuple, not one more of the same)
        flock = Flock(settled.follows if settled is not None else follows)
        member = Member(operation, outbox, ticket, place, flock)
        flock.members.append(member)
        flock.live = 1
        assert member.joining is not None
        accepted = member.joining[2]
        self.members[operation] = member
        SUBSCRIPTIONS.inc()
        if self._inbox is None:
            self._pending.append(member)
        else:
            self._enlist(member)
        return accepted

    def leave(self, operation: Operation[Any, Any]) -> None:
        member = self.members.pop(operation, None)
        if member is None:
            return
        SUBSCRIPTIONS.dec()
        self._drop(member)
        if not self.members:
            self._groups._forget(self)
            self._task.cancel()

    def _drop(self, member: Member) -> None:
        member.live = False
        self._release(member)
        if member in self._pending:
            self._pending.remove(member)
        flock = member.flock
        self._arrived(flock)
        flock.live -= 1
        if flock.live <= 0:
            self._disband(flock)
        elif flock.live * 2 < len(flock.members):  # (a new list: one being read stays whole)
            flock.members = [each for each in flock.members if each.live]
        self._unroute(member, flock.follows)
        _settle(member, False)

    def _disband(self, flock: Flock) -> None:
        """A flock no member is left in: its baselines go."""
        for key in flock.follows:
            followers = self._followers.get(key)
            if followers is not None:
                followers.pop(flock, None)
                if not followers:
                    del self._followers[key]
        if self._flocks.get(flock.follows) is flock:
            del self._flocks[flock.follows]

    def _enlist(self, member: Member) -> None:
        """Route its objects here from now on and queue its arrival; or send it off to a
        stream of its own (`accepted` False)."""
        hub = self._hub
        assert hub is not None
        assert member.joining is not None
        ticket, place, _ = member.joining
        try:
            missed = hub.places_since(place) if place is not None else []
        except PlaceLost:  # a stream of its own says so
            self.leave(member.operation)
            return
        if not self._queue_arrival(member, ticket, ticket.primes, missed):
            self.leave(member.operation)
            return
        member.last_seen = missed[-1].id if missed else None
        _settle(member, True)

    # -- the stream's side (`schema.subscriptions.cohort_follow.Feed`), but for `CohortFeed`'s

    def arrived(self, arrival: Arrival, force_next: bool) -> None:
        member: Member = arrival.member
        if not member.live:
            return
        member.arrived_at = self._batches
        flock = member.flock
        self._settle_flock(member, self._arrived(flock))
        if force_next:
            self._forced.add(member)
            for key in flock.follows:
                self._forced_of.setdefault(key, set()).add(member)

    def _arrived(self, flock: Flock) -> dict[ObjectKey, Any]:
        """The baselines read for a flock's arriving member (none left aside after)."""
        baselines = self._arriving.pop(flock, None)
        if baselines is None:
            return {}
        if not self._arriving:
            self._arriving = {}  # (an emptied dict keeps its size: 2,000 arriving at once)
        return baselines

    def _settle_flock(self, member: Member, own: dict[ObjectKey, Any]) -> None:
        """An arrived member joins the last flock of its objects whose baselines equal its
        own (what either compares a result with is then the same); else its own flock
        takes its baselines, and is the one the next member may join."""
        flock = member.flock
        follows = flock.follows
        baselines = [own.get(key, _NOTHING) for key in follows]
        settled = self._flocks.get(follows)
        if settled is not None and all(
            # (`==` as `_fan_out` compares; `_NOTHING` equals only itself)
            self._followers[key][settled] == baseline
            for key, baseline in zip(follows, baselines, strict=True)
        ):
            member.flock = settled
            settled.members.append(member)
            settled.live += 1
            return
        for key, baseline in zip(follows, baselines, strict=True):
            self._followers.setdefault(key, {})[flock] = baseline
        self._flocks[follows] = flock

    def delivered(self, events: Sequence[Event]) -> None:
        """After a batch: what each member's `lastEventId` would be, and whose forced
        first batch this was (a solo stream forces the first batch it is handed)."""
        self._count_batch(events)
        if self._forced:
            self._unforce(events)

    def _unforce(self, events: Sequence[Event]) -> None:
        """Members a batch reached (`events.hub.reaches`) had their forced batch."""
        if any(event.object.type not in self._types for event in events):
            reached = set(self._forced)  # a batch about another type reaches everyone
        else:
            reached = set()
            for event in events:
                reached |= self._forced_of.get((event.object.type, event.object.id), set())
        for member in reached:
            self._release(member)

    def _release(self, member: Member) -> None:
        self._forced.discard(member)
        for key in member.flock.follows:
            forced = self._forced_of.get(key)
            if forced is not None:
                forced.discard(member)
                if not forced:
                    del self._forced_of[key]

    # -- the stream

    def _forget(self) -> None:
        self._groups._forget(self)

    def _fan_out(self, result: ExecutionResult) -> None:
        emission = emissions.take()
        if emission is None:  # not about one object: what the stream raised, to everyone
            self._to_all(result)
            return
        key, aimed = emission.key, self._aimed
        # Per flock: its members, and where its baseline for this object is kept (a dict,
        # and the key in it).
        targets: list[tuple[list[Member], dict[Any, Any], Any]] = []
        if aimed is not None:  # arriving members: each in a flock of its own, till arrived
            for member in aimed:
                if member.live:
                    own = self._arriving.setdefault(member.flock, {})
                    targets.append(([member], own, key))
        else:
            followers = self._followers.get(key, {})
            targets = [(flock.members, followers, flock) for flock in followers]
        if not targets:
            return
        if result.errors:  # sent as it is, the baselines untouched (`changed_only`)
            tail = encoded_payload(result)
            for members, _, _ in targets:
                for member in members:
                    if member.live:
                        member.outbox.offer(_prefix(member.operation.id) + tail)
            return
        data, forced = result.data, self._forced
        encoded: str | None = None
        for members, baselines, slot in targets:
            last = baselines.get(slot, _NOTHING)
            baselines[slot] = data
            if emission.prime:
                continue
            same = last is not _NOTHING and last == data and not emission.force
            if same and not forced:
                continue
            for member in members:
                if not member.live or (same and member not in forced):
                    continue
                if encoded is None:
                    if emission.event_id is not None:
                        extensions = {**(result.extensions or {}), "eventId": emission.event_id}
                        result.extensions = extensions
                    encoded = encoded_payload(result)
                member.outbox.offer(_prefix(member.operation.id) + encoded)

    def _to_all(self, result: ExecutionResult) -> None:
        tail = encoded_payload(result)
        personal = _SENTINEL in tail
        for member in list(self.members.values()):
            prefix = _prefix(member.operation.id)
            if personal:
                own = orjson.dumps(self._last_event(member, member.flock.follows)).decode()
                member.outbox.offer(prefix + tail.replace(_SENTINEL, own))
            else:
                member.outbox.offer(prefix + tail)

    def _end(self, kind: str, payload: list[Any] | None = None) -> None:
        """The last message to every member; the cohort leaves the registry first."""
        self.ended = True
        self._groups._forget(self)
        members, self.members = self.members, {}
        for operation, member in members.items():
            SUBSCRIPTIONS.dec()
            member.live = False
            _settle(member, True)  # it is ended here, not sent off
            if operation.completed:
                continue
            operation.completed = True
            operation.handler.operations.pop(operation.id, None)
            message: dict[str, Any] = {"id": operation.id, "type": kind}
            if payload is not None:
                message["payload"] = payload
            member.outbox.offer(orjson.dumps(message).decode())


def _settle(member: Member, taken: bool) -> None:
    """Answer the transport waiting on the member's joining (once), and let what only the
    joining needed go."""
    joining, member.joining = member.joining, None
    if joining is not None:
        joining[2].set_result(taken)


_PREFIXES: dict[str, str] = {}
_PREFIXES_KEPT = 4096  # ids
_PREFIX_ID_KEPT = 64  # characters: a longer id (the client chooses it) is not kept


def _prefix(operation_id: str) -> str:
    """The start of an operation's `next` frames: `{"id":<id>,"type":"next","payload":`,
    made as frames are sent rather than kept by each member, one copy per id (clients
    number their operations alike: "1" is most of them)."""
    prefix = _PREFIXES.get(operation_id)
    if prefix is None:
        prefix = '{"id":' + orjson.dumps(operation_id).decode() + ',"type":"next","payload":'
        if len(operation_id) <= _PREFIX_ID_KEPT:
            if len(_PREFIXES) >= _PREFIXES_KEPT:
                _PREFIXES.clear()
            _PREFIXES[operation_id] = prefix
    return prefix

"""One subscription stream per group of identical WebSocket subscribers.

Subscribers with the same document, variables, operation name and permission class
(what their token may read, `schema.permissions.read_class`, not the token itself) are
one group: the group runs the reference stream once (Strawberry, the changed-only rule,
replay and errors unchanged), encodes each result once, and offers the same bytes,
behind each subscriber's own id, to every member's outbox. 10,000 subscribers of five
packages cost five executions and five encodings per change, not 10,000.

Each member was admitted through its own stream first (`schema.subscriptions.sharing`),
so validation, cost, rate limits and argument errors are its own. The changed-only rule
holds per group: every member has seen the same results since it joined, and one that
joins later starts from the group's baseline (the state it just fetched).

Subscribers that follow nothing but the objects they name (`packageChanged(ids: $i)`)
join a cohort instead, kept in the same registry (`server.websocket.cohort`): one stream
for every member whatever its objects, each with its own baselines.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

import orjson
from strawberry.types.execution import ExecutionResult

from events.hub import EventHub, Place
from metrics import SUBSCRIPTIONS
from schema.subscriptions.place import subscribed_at
from schema.subscriptions.sharing import CohortTicket, group_stream
from server.websocket.cohort import Cohort
from server.websocket.outbox import Outbox
from server.websocket.shared_stream import encoded_payload, read_shared

if TYPE_CHECKING:
    from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import Operation

logger = logging.getLogger(__name__)

GroupKey = tuple[Hashable, ...]


class SubscriptionGroups:
    """This process's groups by key. A group that ends leaves the registry before it tells
    its members, so a subscriber arriving then starts a new group."""

    def __init__(self) -> None:
        self._groups: dict[GroupKey, Any] = {}  # Group, or Cohort (its key says "cohort")

    def __len__(self) -> int:
        return len(self._groups)

    def join(
        self,
        key: GroupKey,
        operation: Operation[Any, Any],
        stream: StreamStarter,
        place: Place | None,
    ) -> Group | None:
        """The group the subscriber joined; None when the group cannot give it every change
        after its place (`Group.covers`): it then runs a stream of its own."""
        group = self._groups.get(key)
        assert group is None or isinstance(group, Group)
        if group is None:
            group = self._groups[key] = Group(self, key, stream, place)
        elif not group.covers(place):
            return None
        group.add(operation)
        return group

    def join_cohort(
        self,
        key: GroupKey,
        operation: Operation[Any, Any],
        stream: StreamStarter,
        ticket: CohortTicket,
        place: Place | None,
    ) -> tuple[Cohort, asyncio.Future[bool]]:
        """The cohort the subscriber joins (`server.websocket.cohort`), and whether it was
        taken, once the cohort's stream listens (False: it runs a stream of its own)."""
        cohort = self._groups.get(key)
        if not isinstance(cohort, Cohort) or cohort.ended:
            cohort = Cohort(self, key, stream)
            self._groups[key] = cohort
        return cohort, cohort.add(operation, _outbox(operation), ticket, place)

    def _forget(self, group: Group | Cohort) -> None:
        if self._groups.get(group.key) is group:
            del self._groups[group.key]


class StreamStarter:
    """What the group's reference stream runs: the first member's request."""

    def __init__(
        self,
        schema: Any,
        query: str,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        context: Any,
        root_value: Any,
    ) -> None:
        self.schema = schema
        self.query = query
        self.variables = variables
        self.operation_name = operation_name
        self.context = context
        self.root_value = root_value

    async def start(self) -> Any:
        return await self.schema.stream(
            self.query,
            variable_values=self.variables,
            context_value=self.context,
            root_value=self.root_value,
            operation_name=self.operation_name,
        )


class Group:
    def __init__(
        self,
        groups: SubscriptionGroups,
        key: GroupKey,
        stream: StreamStarter,
        place: Place | None,
    ) -> None:
        self._groups = groups
        self.key = key
        # operation -> the start of its `next` frames ({"id":<id>,"type":"next","payload":)
        # and its connection's outbox
        self.members: dict[Operation[Any, Any], tuple[str, Outbox]] = {}
        # The stream gives every change after the first member's place; a result sent to
        # the members at `_sent_at` is one a later member whose place is older has missed.
        self._hub: EventHub | None = getattr(stream.context, "hub", None)
        self._place = place
        self._sent_at: Place | None = None
        # A fresh context: nothing of the first member's admission carries into the group.
        self._task = asyncio.create_task(self._run(stream), context=contextvars.Context())

    def covers(self, place: Place | None) -> bool:
        """Whether a subscriber whose `subscribe` arrived at `place` gets every change after
        it by joining now: the stream started no later, and sent nothing since."""
        if place is None or self._place is None:
            return place is None and self._place is None  # no hub, no places to keep
        if place.epoch != self._place.epoch or place.count < self._place.count:
            return False
        sent = self._sent_at
        return sent is None or (sent.epoch == place.epoch and sent.count <= place.count)

    def add(self, operation: Operation[Any, Any]) -> None:
        prefix = '{"id":' + orjson.dumps(operation.id).decode() + ',"type":"next","payload":'
        self.members[operation] = (prefix, _outbox(operation))
        SUBSCRIPTIONS.inc()

    def leave(self, operation: Operation[Any, Any]) -> None:
        if self.members.pop(operation, None) is None:
            return
        SUBSCRIPTIONS.dec()
        if not self.members:
            self._groups._forget(self)
            self._task.cancel()

    async def _run(self, stream: StreamStarter) -> None:
        with group_stream(self.members.__len__), subscribed_at(self._place):
            try:
                await read_shared(stream, self._fan_out, self._end)
            except asyncio.CancelledError:
                self._groups._forget(self)
                raise
            except Exception:
                logger.exception("a shared subscription stream failed")
                self._end("complete")

    def _fan_out(self, result: ExecutionResult) -> None:
        tail = encoded_payload(result)
        if self._hub is not None:
            self._sent_at = self._hub.mark()
        for prefix, outbox in self.members.values():
            outbox.offer(prefix + tail)

    def _end(self, kind: str, payload: list[Any] | None = None) -> None:
        """The last message to every member; the group leaves the registry first."""
        self._groups._forget(self)
        members, self.members = self.members, {}
        for operation, (_, outbox) in members.items():
            SUBSCRIPTIONS.dec()
            if operation.completed:
                continue
            operation.completed = True
            operation.handler.operations.pop(operation.id, None)
            message: dict[str, Any] = {"id": operation.id, "type": kind}
            if payload is not None:
                message["payload"] = payload
            outbox.offer(orjson.dumps(message).decode())


def _outbox(operation: Operation[Any, Any]) -> Outbox:
    outbox: Outbox = operation.handler.websocket.outbox  # type: ignore[attr-defined]
    return outbox

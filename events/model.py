"""The change event: what changed (names, not values), small enough to fan out widely.

Subscribers re-read values through the loaders, so an event never carries stale data;
a deletion carries the little that is left to say about the object (its ids and slug).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from writes.changes import Action, Change, ObjectRef

# What a deletion event keeps of the object's last values.
_DELETED_KEEPS = ("slug", "title")


@dataclass(frozen=True)
class Event:
    object: ObjectRef
    action: Action
    fields: frozenset[str]
    related: tuple[ObjectRef, ...] = ()
    snapshot: dict[str, Any] = field(default_factory=dict)
    id: str = ""  # given by the broker; ordered; a client resumes after it

    @classmethod
    def from_change(cls, change: Change) -> Event:
        snapshot: dict[str, Any] = {}
        if change.action is Action.DELETED:
            snapshot = {
                name: change.fields[name]["before"]
                for name in _DELETED_KEEPS
                if name in change.fields
            }
        return cls(
            object=change.object,
            action=change.action,
            fields=frozenset(change.fields),
            related=change.related,
            snapshot=snapshot,
        )

    def with_id(self, event_id: str) -> Event:
        return replace(self, id=event_id)

    def touches(self, ref: ObjectRef) -> bool:
        return self.object == ref or ref in self.related

    def encode(self) -> bytes:
        return orjson.dumps(
            {
                "o": [self.object.type, self.object.id],
                "a": self.action.value,
                "f": sorted(self.fields),
                "r": [[ref.type, ref.id] for ref in self.related],
                "s": self.snapshot,
            }
        )

    @classmethod
    def decode(cls, event_id: str, body: bytes | str) -> Event:
        data = orjson.loads(body)
        return cls(
            object=ObjectRef(*data["o"]),
            action=Action(data["a"]),
            fields=frozenset(data["f"]),
            related=tuple(ObjectRef(*ref) for ref in data["r"]),
            snapshot=data["s"],
            id=event_id,
        )

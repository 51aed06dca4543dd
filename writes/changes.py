"""What one write did to one object: the record behind audit entries and change events."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Action(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"


@dataclass(frozen=True)
class ObjectRef:
    """A GraphQL type name and a database id: `ObjectRef("Grid", 41)`."""

    type: str
    id: int


@dataclass(frozen=True)
class Change:
    """One object's change. `fields` maps public (camelCase) names to before/after values
    in JSON form; `related` names other objects whose views the change alters (a feature's
    grid, the package a grid gained), so subscribers of those hear of it too."""

    object: ObjectRef
    action: Action
    fields: dict[str, dict[str, Any]]
    related: tuple[ObjectRef, ...] = field(default=())

    def audit_values(self) -> dict[str, Any]:
        return {
            "action": self.action.value,
            "object_type": self.object.type,
            "object_id": self.object.id,
            "changes": self.fields,
        }

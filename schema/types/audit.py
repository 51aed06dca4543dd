"""The GraphQL `AuditEntry` type: one change to one object, by whom and when."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON

import models


@strawberry.enum(description="The kinds of objects the audit log records.")
class AuditObjectType(Enum):
    PACKAGE = "Package"
    GRID = "Grid"
    CATEGORY = "Category"
    FEATURE = "Feature"
    ELEMENT = "Element"


@strawberry.enum
class AuditAction(Enum):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"


@strawberry.type(description="One field's value before and after a change (JSON values).")
class FieldChange:
    field: str = strawberry.field(description="The public (GraphQL) field name.")
    before: JSON | None
    after: JSON | None


@strawberry.type(description="Who changed which object, when, and how.")
class AuditEntry:
    id: int
    at: datetime
    actor: str = strawberry.field(description="The token's name; 'import' for the importer.")
    action: AuditAction
    object_type: AuditObjectType
    object_id: int = strawberry.field(description="The object's database id.")
    changes: list[FieldChange]

    @classmethod
    def from_row(cls, row: models.AuditEntry) -> AuditEntry:
        assert row.id is not None
        changes: dict[str, Any] = row.changes or {}
        return cls(
            id=row.id,
            at=row.at,
            actor=row.actor,
            action=AuditAction(row.action),
            object_type=AuditObjectType(row.object_type),
            object_id=row.object_id,
            changes=[
                FieldChange(field=name, before=value.get("before"), after=value.get("after"))
                for name, value in changes.items()
            ],
        )

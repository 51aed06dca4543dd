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
    PACKAGE = strawberry.enum_value("Package", description="A package.")
    GRID = strawberry.enum_value(
        "Grid", description="A grid, its package list included (`packages`)."
    )
    CATEGORY = strawberry.enum_value("Category", description="A category.")
    FEATURE = strawberry.enum_value("Feature", description="A feature (column) of a grid.")
    ELEMENT = strawberry.enum_value("Element", description="A comparison cell.")


@strawberry.enum(description="What a change did to its object.")
class AuditAction(Enum):
    CREATED = strawberry.enum_value("created", description="Made (`before` values are null).")
    UPDATED = strawberry.enum_value("updated", description="Changed: only changed fields listed.")
    DELETED = strawberry.enum_value("deleted", description="Removed (`after` values are null).")


@strawberry.type(description="One field's value before and after a change (JSON values).")
class FieldChange:
    field: str = strawberry.field(description="The public (GraphQL) field name.")
    before: JSON | None = strawberry.field(description="The value before; null when created.")
    after: JSON | None = strawberry.field(description="The value after; null when deleted.")


@strawberry.type(description="Who changed which object, when, and how.")
class AuditEntry:
    id: int = strawberry.field(description="The entry's id: a later entry has a larger one.")
    at: datetime = strawberry.field(description="When the change was made (UTC).")
    actor: str = strawberry.field(description="The token's name; 'import' for the importer.")
    action: AuditAction = strawberry.field(description="Created, updated or deleted.")
    object_type: AuditObjectType = strawberry.field(description="The kind of object changed.")
    object_id: int = strawberry.field(description="The object's database id.")
    changes: list[FieldChange] = strawberry.field(
        description="Each changed field with its value before and after."
    )

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

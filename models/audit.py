"""The `audit_entry` table: who changed which object, when, and the fields' before/after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel

from models.timestamps import UTCDateTime


class AuditEntry(SQLModel, table=True):
    """One change to one object, written in the same transaction as the change itself."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_object", "object_type", "object_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime)
    actor: str = Field(max_length=100, description="Token name, or 'import' for the importer.")
    action: str = Field(max_length=20)
    object_type: str = Field(max_length=20)
    object_id: int
    # {field: {"before": value, "after": value}} with public (camelCase) field names.
    changes: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)

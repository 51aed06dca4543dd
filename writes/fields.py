"""Copy values onto rows, touching only what differs, and say what did."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlmodel import SQLModel

from models.timestamps import offset_minutes
from writes.snapshots import camel, public_value


def column_values(values: Mapping[str, Any], timestamps: Iterable[str]) -> dict[str, Any]:
    """Record values as columns: each timestamp becomes its UTC instant plus its offset."""
    columns = dict(values)
    for name in timestamps:
        stamp: datetime | None = columns.get(name)
        columns[name] = None if stamp is None else stamp.astimezone(UTC)
        columns[f"{name}_offset"] = offset_minutes(stamp)
    return columns


def _same(current: Any, value: Any) -> bool:
    if isinstance(current, tuple | list) and isinstance(value, tuple | list):
        return list(current) == list(value)
    return bool(current == value)


def _field_of(column: str, columns: Mapping[str, Any]) -> str:
    """`modified_offset` belongs to the field `modified`."""
    base = column.removesuffix("_offset")
    return base if base != column and base in columns else column


def apply_changes(row: SQLModel, columns: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Set the columns whose value differs; their public before/after, for audit and events.

    A timestamp and its `_offset` column are one field: a change to either reports it.
    """
    changed = [name for name, value in columns.items() if not _same(getattr(row, name), value)]
    fields = sorted({_field_of(name, columns) for name in changed})
    before = {name: public_value(row, name) for name in fields}
    for name in changed:
        value = columns[name]
        setattr(row, name, list(value) if isinstance(value, tuple) else value)
    return {
        camel(name): {"before": before[name], "after": public_value(row, name)} for name in fields
    }

"""Copy record values onto rows, touching only what differs, and say whether anything did."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlmodel import SQLModel

from models.timestamps import offset_minutes


def column_values(values: Mapping[str, Any], timestamps: Iterable[str]) -> dict[str, Any]:
    """Record values as columns: each timestamp becomes its UTC instant plus its offset."""
    columns = dict(values)
    for name in timestamps:
        stamp: datetime | None = columns.get(name)
        columns[name] = None if stamp is None else stamp.astimezone(UTC)
        columns[f"{name}_offset"] = offset_minutes(stamp)
    return columns


def apply_changes(row: SQLModel, columns: Mapping[str, Any]) -> list[str]:
    """Set the columns whose value differs; the names of those changed, for audit and events."""
    changed: list[str] = []
    for name, value in columns.items():
        current = getattr(row, name)
        if isinstance(current, tuple | list) and isinstance(value, tuple | list):
            same = list(current) == list(value)
        else:
            same = current == value
        if not same:
            setattr(row, name, list(value) if isinstance(value, tuple) else value)
            changed.append(name)
    return changed

"""Rows as public JSON values: the before/after of audit entries and conflict errors."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlmodel import SQLModel

from models.timestamps import with_offset

# Bookkeeping columns: not data a person edits, so neither audited nor compared.
_HIDDEN = frozenset({"id", "version", "is_fetched"})


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def data_columns(row: SQLModel) -> list[str]:
    """The row's columns a person could change (offsets travel with their timestamp)."""
    names = type(row).model_fields.keys()
    return [name for name in names if name not in _HIDDEN and not name.endswith("_offset")]


def public_value(row: SQLModel, name: str) -> Any:
    value = getattr(row, name)
    if isinstance(value, datetime):
        shown = with_offset(value, getattr(row, f"{name}_offset", None))
        return shown.isoformat() if shown else None
    if isinstance(value, tuple):
        return list(value)
    return value


def snapshot(row: SQLModel, names: Iterable[str] | None = None) -> dict[str, Any]:
    """Public names and JSON values, e.g. {"title": ..., "modified": "2024-...+00:00"}."""
    chosen = data_columns(row) if names is None else names
    values = {camel(name): public_value(row, name) for name in chosen}
    if "id" in type(row).model_fields:
        values["databaseId"] = row.id  # type: ignore[attr-defined]
    if "version" in type(row).model_fields:
        values["version"] = row.version  # type: ignore[attr-defined]
    return values

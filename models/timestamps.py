"""Timestamps that keep the UTC offset they arrived with.

A database stores an instant (PostgreSQL `timestamptz` forgets the offset, SQLite
has no time zones at all), while Django Packages writes local times such as
`2012-08-13T12:13:58.949977-04:00`. Each timestamp is therefore two columns: the
instant in UTC, which sorts and filters correctly, and the offset in minutes,
which lets us give the value back exactly as it came.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as UTC; naive values are refused, not guessed."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} has no UTC offset")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def offset_minutes(value: datetime | None) -> int | None:
    """The UTC offset of an aware datetime, in whole minutes."""
    if value is None:
        return None
    delta = value.utcoffset()
    if delta is None:
        raise ValueError(f"naive datetime {value.isoformat()} has no UTC offset")
    return int(delta.total_seconds() // 60)


def with_offset(instant: datetime | None, minutes: int | None) -> datetime | None:
    """The stored instant shown again in the offset it was written with."""
    if instant is None:
        return None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(timezone(timedelta(minutes=minutes or 0)))

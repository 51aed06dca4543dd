"""Timestamps as Django Packages writes them: US Eastern local time, -04:00 or -05:00.

The offset follows the US daylight-saving rule (second Sunday of March to the first
Sunday of November), computed here so the output does not depend on the host's tz data.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache

EDT = timezone(timedelta(hours=-4))
EST = timezone(timedelta(hours=-5))


def _nth_sunday(year: int, month: int, nth: int) -> datetime:
    first = datetime(year, month, 1, tzinfo=UTC)
    days_to_sunday = (6 - first.weekday()) % 7
    return first + timedelta(days=days_to_sunday + 7 * (nth - 1))


@lru_cache(maxsize=64)
def _daylight_saving(year: int) -> tuple[datetime, datetime]:
    """The UTC instants daylight-saving time starts and ends in `year`."""
    start = _nth_sunday(year, 3, 2) + timedelta(hours=7)  # 02:00 EST
    end = _nth_sunday(year, 11, 1) + timedelta(hours=6)  # 02:00 EDT
    return start, end


def eastern(instant: datetime) -> datetime:
    """`instant` shown in US Eastern time, with the offset in force at that moment."""
    utc = instant.astimezone(UTC)
    dst_start, dst_end = _daylight_saving(utc.year)
    return utc.astimezone(EDT if dst_start <= utc < dst_end else EST)


def between(
    rng: random.Random,
    start: datetime,
    end: datetime,
    *,
    power: float = 1.0,
    micro: bool = True,
) -> datetime:
    """An Eastern timestamp drawn in [start, end], uniformly unless `power` < 1 skews it late.

    `micro=False` drops microseconds: Django Packages' `last_updated` comes from git.
    """
    span = max((end - start).total_seconds(), 0.0)
    instant = start + timedelta(seconds=rng.random() ** power * span)
    if not micro:
        instant = instant.replace(microsecond=0)
    return eastern(instant)


def columns(name: str, stamp: datetime | None) -> dict[str, object]:
    """A timestamp as its two columns: the aware instant and its offset in minutes."""
    if stamp is None:
        return {name: None, f"{name}_offset": None}
    offset = stamp.utcoffset()
    assert offset is not None, "synthetic timestamps are always aware"
    return {name: stamp, f"{name}_offset": int(offset.total_seconds() // 60)}

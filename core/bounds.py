"""The values a database column can hold, checked before a value reaches SQL.

Ids are `integer` columns: 32-bit on PostgreSQL (2147483648 fails the statement), and
SQLite fails past 64 bits. Times are stored aware; a naive time, or year 1 (which
PostgreSQL's `timestamptz` and the ISO cursor round trip disagree on), is no position
in any list this server made.
"""

from __future__ import annotations

from datetime import datetime

MIN_ID = -(2**31)
MAX_ID = 2**31 - 1
MIN_YEAR = 1900
MAX_YEAR = 9000


def id_in_range(value: int) -> bool:
    """Whether `value` fits an id column on every database this server runs on."""
    return MIN_ID <= value <= MAX_ID


def time_in_range(value: datetime) -> bool:
    """Whether `value` is aware and its year within MIN_YEAR..MAX_YEAR (far from the
    ends of `datetime`, so no time zone conversion overflows)."""
    return value.utcoffset() is not None and MIN_YEAR <= value.year <= MAX_YEAR

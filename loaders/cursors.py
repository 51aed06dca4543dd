"""Opaque keyset cursors: the sort values of a row, plus the ordering they belong to.

A cursor names a position in an ordering ("after watchers=1352, id=1412"), not an
offset, so it stays valid while rows are inserted or deleted before it.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any

import orjson

from core.bounds import id_in_range, time_in_range
from core.characters import refused_character


class InvalidCursor(ValueError):
    """A cursor that was not made by this server for this ordering. The message never
    repeats the cursor (a client may send megabytes) nor the ordering's internal name."""


_NOT_VALID = "it is not a cursor this server made"


def encode_cursor(ordering: str, values: tuple[Any, ...]) -> str:
    payload = [ordering, [_plain(value) for value in values]]
    return base64.urlsafe_b64encode(orjson.dumps(payload)).decode().rstrip("=")


def decode_cursor(cursor: str, ordering: str, kinds: tuple[type, ...]) -> tuple[Any, ...]:
    """The sort values in `cursor`, checked against the ordering and value kinds expected."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        name, values = orjson.loads(raw)
    except (binascii.Error, ValueError, TypeError) as error:
        raise InvalidCursor(_NOT_VALID) from error
    if name != ordering:
        raise InvalidCursor("it belongs to another list or ordering")
    if not isinstance(values, list) or len(values) != len(kinds):
        raise InvalidCursor(_NOT_VALID)
    return tuple(_typed(value, kind) for value, kind in zip(values, kinds, strict=True))


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _typed(value: Any, kind: type) -> Any:
    """The value as the ordering's column holds it: a value no column holds (an integer
    over 32 bits, a naive time or year 1, a NUL) would fail the statement, not the cursor."""
    if value is None:
        return None
    if kind is datetime and isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError as error:
            raise InvalidCursor(_NOT_VALID) from error
        if not time_in_range(moment):
            raise InvalidCursor(_NOT_VALID)
        return moment
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise InvalidCursor(_NOT_VALID)
    if not isinstance(value, kind):
        raise InvalidCursor(_NOT_VALID)
    if isinstance(value, int) and not id_in_range(value):
        raise InvalidCursor(_NOT_VALID)
    if isinstance(value, str) and refused_character(value, one_line=False) is not None:
        raise InvalidCursor(_NOT_VALID)
    return value

"""Timestamps written the way each API wrote them.

v4 went through DRF: the local time with its offset and full microseconds, `+00:00`
as `Z`. v3 went through Django's JSON encoder: the UTC instant (the ORM's view with
time zones on), microseconds cut to milliseconds, `+00:00` as `Z`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from models import with_offset


def _zulu(text: str) -> str:
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


def drf(instant: datetime | None, offset_minutes: int | None) -> str | None:
    """A stored instant and offset as DRF wrote it: `2012-08-13T12:13:58.949977-04:00`."""
    local = with_offset(instant, offset_minutes)
    return None if local is None else _zulu(local.isoformat())


def django_json(instant: datetime | None) -> str | None:
    """A stored instant as DjangoJSONEncoder wrote it: `2012-08-13T16:13:58.949Z`."""
    if instant is None:
        return None
    utc = instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)
    text = utc.isoformat()
    if utc.microsecond:
        text = text[:23] + text[26:]
    return _zulu(text)

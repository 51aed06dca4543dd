"""Counting, paging and key look-ups; relations come from `loaders.batch`, never per row."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.bounds import id_in_range
from core.characters import MAX_NAME_LENGTH, text_problem
from rest.errors import NotFound
from rest.pagination import PageRequest

Row = TypeVar("Row")
ByKeys = Callable[[AsyncSession, Sequence[Any]], Awaitable[Sequence[Row | None]]]


async def count_rows(session: AsyncSession, statement: Select[Any]) -> int:
    """How many rows `statement` selects (one statement, whatever its ordering)."""
    counted = select(func.count()).select_from(statement.order_by(None).subquery())
    return int((await session.execute(counted)).scalar_one())


async def fetch_page(
    session: AsyncSession, statement: Select[Any], page: PageRequest, count: int
) -> list[Any]:
    """One page of `statement`'s rows; no statement at all when the page is surely empty."""
    if count == 0 or page.offset >= count:
        return []
    paged = statement.limit(page.limit).offset(page.offset)
    return list((await session.execute(paged)).scalars().all())


def is_id(key: str) -> bool:
    """DRF's pk-or-slug rule: all ASCII digits is an id, anything else a slug."""
    return key.isascii() and key.isdigit()


# Python refuses to parse thousands of digits; past `core.bounds.MAX_ID` no row has it
# (2147483648 failed PostgreSQL's 32-bit `integer` statement: a plain-text 500).
_MAX_ID_DIGITS = 18


def names_a_row(key: str) -> bool:
    """Whether `key` could be a stored slug or login: one line (`core.characters`) of at
    most MAX_NAME_LENGTH characters. Anything else names nothing (404), and never reaches
    SQL, where a NUL fails PostgreSQL's statement."""
    return text_problem(key, max_length=MAX_NAME_LENGTH) is None


async def one_by_key(
    session: AsyncSession,
    key: str,
    *,
    by_id: ByKeys[Row] | None = None,
    by_slug: ByKeys[Row] | None = None,
) -> Row:
    """The row at `key` (an id, or a slug), through the same batch functions as GraphQL."""
    found: Row | None = None
    if by_id is not None and is_id(key):
        if len(key) <= _MAX_ID_DIGITS and id_in_range(int(key)):
            found = (await by_id(session, [int(key)]))[0]
    elif by_slug is not None and names_a_row(key):
        found = (await by_slug(session, [key]))[0]
    if found is None:
        raise NotFound()
    return found

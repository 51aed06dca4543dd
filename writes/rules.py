"""Which limit applies to which field of each object, for imports and mutations alike.

Values are keyed by column name; a partial update checks only the fields it carries.
Errors are reported under the public (camelCase) field name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from writes import validation as check
from writes.snapshots import camel

Rule = Callable[[check.Problems, check.Path, Any], None]

_TITLE: Rule = partial(check.text, max_length=check.TITLE_MAX, required=True, single_line=True)
_DESCRIPTION: Rule = partial(check.text, max_length=check.DESCRIPTION_MAX)

PACKAGE_RULES: dict[str, Rule] = {
    "title": _TITLE,
    "slug": check.slug,
    "repo_url": check.url,
    "repo_description": _DESCRIPTION,
    "pypi_url": check.pypi_url,
    "pypi_version": partial(check.text, max_length=check.VERSION_MAX, single_line=True),
    "documentation_url": check.url,
    "repo_watchers": check.non_negative,
    "repo_forks": check.non_negative,
    "commits_over_52": check.weekly_counts,
}
GRID_RULES: dict[str, Rule] = {
    "title": _TITLE,
    "slug": check.slug,
    "description": _DESCRIPTION,
}
CATEGORY_RULES: dict[str, Rule] = {
    "title": partial(
        check.text, max_length=check.CATEGORY_TITLE_MAX, required=True, single_line=True
    ),
    "slug": check.slug,
    "description": _DESCRIPTION,
    "title_plural": partial(check.text, max_length=check.CATEGORY_TITLE_MAX, single_line=True),
}
FEATURE_RULES: dict[str, Rule] = {"title": _TITLE, "description": _DESCRIPTION}
ELEMENT_RULES: dict[str, Rule] = {
    "text": partial(check.text, max_length=check.ELEMENT_TEXT_MAX),
}


def apply_rules(
    problems: check.Problems, rules: Mapping[str, Rule], values: Mapping[str, Any]
) -> None:
    for name, rule in rules.items():
        if name in values:
            rule(problems, (camel(name),), values[name])


async def check_slug_free(
    session: AsyncSession,
    problems: check.Problems,
    table: type[SQLModel],
    slug: Any,
    own_id: int | None,
) -> None:
    """Slugs are unique per type; the row itself may keep its own."""
    if not slug or problems.has(("slug",)):
        return
    columns: Any = table
    holder = (await session.execute(select(columns.id).where(columns.slug == slug))).scalar()
    if holder is not None and holder != own_id:
        kind = table.__name__.lower()
        problems.add(("slug",), "SLUG_TAKEN", f"slug {slug!r} already belongs to {kind} {holder}.")


async def check_exists(
    session: AsyncSession,
    problems: check.Problems,
    table: type[SQLModel],
    path: check.Path,
    row_id: int | None,
) -> None:
    if row_id is None:
        return
    if await session.get(table, row_id) is None:
        problems.add(path, "NOT_FOUND", f"No {table.__name__} with id {row_id}.")


def refuse_nulls(
    problems: check.Problems, table: type[SQLModel], values: Mapping[str, Any]
) -> None:
    """Null where the column has no null: the client should leave the field out instead."""
    columns = table.__table__.c  # type: ignore[attr-defined]
    for name, value in values.items():
        if value is None and not columns[name].nullable and not problems.has((camel(name),)):
            problems.add((camel(name),), "REQUIRED", f"{camel(name)} cannot be null.")

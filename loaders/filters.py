"""Filters as hashable specs (so they can be part of a DataLoader key) and their SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, literal_column, or_, select
from sqlmodel import col

import models
from domain.packages import ACTIVE_WINDOW


@dataclass(frozen=True)
class IntRange:
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class TimeRange:
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class PackageFilter:
    category_ids: tuple[int, ...] = ()
    category_slugs: tuple[str, ...] = ()
    grid_ids: tuple[int, ...] = ()
    grid_slugs: tuple[str, ...] = ()
    participant_logins: tuple[str, ...] = ()
    search: str | None = None
    repo_watchers: IntRange | None = None
    repo_forks: IntRange | None = None
    score: IntRange | None = None
    last_updated: TimeRange | None = None
    created: TimeRange | None = None
    has_pypi: bool | None = None
    is_active: bool | None = None
    is_archived: bool | None = None
    is_deprecated: bool | None = None


@dataclass(frozen=True)
class GridFilter:
    search: str | None = None
    package_ids: tuple[int, ...] = ()
    package_slugs: tuple[str, ...] = ()
    min_package_count: int | None = None


@dataclass(frozen=True)
class ParticipantFilter:
    login_prefix: str | None = None
    min_package_count: int | None = None


def _in_range(column: Any, bounds: IntRange | TimeRange | None) -> list[ColumnElement[bool]]:
    if bounds is None:
        return []
    low, high = (
        (bounds.minimum, bounds.maximum)
        if isinstance(bounds, IntRange)
        else (bounds.since, bounds.until)
    )
    conditions: list[ColumnElement[bool]] = []
    if low is not None:
        conditions.append(column >= low)
    if high is not None:
        conditions.append(column <= high)
    return conditions


# The `simple` configuration: no stemming or stop words, so package names match as typed.
SIMPLE_CONFIG: ColumnElement[Any] = literal_column("'simple'::regconfig")


def text_matches(dialect: str, query: str, *columns: Any) -> ColumnElement[bool]:
    """Case-insensitive substring match on any column; PostgreSQL adds full-text matching.

    On PostgreSQL, ILIKE can use the pg_trgm indexes and the `simple` text search
    configuration matches whole words in any order; SQLite falls back to LIKE on lower().
    """
    needle = query.strip().lower()
    if dialect == "postgresql":
        # `||` (not concat_ws, which is not IMMUTABLE) so the GIN expression index applies.
        joined: ColumnElement[Any] = func.coalesce(columns[0], "")
        for column in columns[1:]:
            joined = joined.op("||")(" ").op("||")(func.coalesce(column, ""))
        document = func.to_tsvector(SIMPLE_CONFIG, joined)
        return or_(
            *(c.ilike(f"%{_escape(needle)}%", escape="\\") for c in columns),
            document.op("@@")(func.websearch_to_tsquery(SIMPLE_CONFIG, needle)),
        )
    return or_(*(func.lower(c).contains(needle, autoescape=True) for c in columns))


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def package_conditions(
    spec: PackageFilter, *, dialect: str, now: datetime
) -> list[ColumnElement[bool]]:
    """SQL conditions for a package filter; all must hold (AND), list values are OR."""
    package: Any = models.Package
    conditions: list[ColumnElement[bool]] = []
    if spec.category_ids or spec.category_slugs:
        slug_ids = select(col(models.Category.id)).where(
            col(models.Category.slug).in_(spec.category_slugs)
        )
        conditions.append(
            or_(package.category_id.in_(spec.category_ids), package.category_id.in_(slug_ids))
        )
    if spec.grid_ids or spec.grid_slugs:
        link: Any = models.GridPackage
        grid: Any = models.Grid
        conditions.append(
            exists()
            .where(link.package_id == package.id)
            .where(
                or_(
                    link.grid_id.in_(spec.grid_ids),
                    link.grid_id.in_(select(grid.id).where(grid.slug.in_(spec.grid_slugs))),
                )
            )
        )
    if spec.participant_logins:
        member: Any = models.PackageParticipant
        person: Any = models.Participant
        conditions.append(
            exists()
            .where(member.package_id == package.id)
            .where(
                member.participant_id.in_(
                    select(person.id).where(person.login.in_(spec.participant_logins))
                )
            )
        )
    if spec.search and spec.search.strip():
        conditions.append(
            text_matches(
                dialect, spec.search, package.title, package.slug, package.repo_description
            )
        )
    conditions += _in_range(package.repo_watchers, spec.repo_watchers)
    conditions += _in_range(package.repo_forks, spec.repo_forks)
    conditions += _in_range(package.score, spec.score)
    conditions += _in_range(package.last_updated, spec.last_updated)
    conditions += _in_range(package.created, spec.created)
    if spec.has_pypi is not None:
        has_pypi = and_(package.pypi_url.is_not(None), package.pypi_url != "")
        conditions.append(has_pypi if spec.has_pypi else ~has_pypi)
    if spec.is_archived is not None:
        archived = package.date_repo_archived.is_not(None)
        conditions.append(archived if spec.is_archived else package.date_repo_archived.is_(None))
    if spec.is_deprecated is not None:
        deprecated = package.date_deprecated.is_not(None)
        conditions.append(deprecated if spec.is_deprecated else package.date_deprecated.is_(None))
    if spec.is_active is not None:
        cutoff = now - ACTIVE_WINDOW
        active = and_(
            package.last_updated >= cutoff,
            package.date_repo_archived.is_(None),
            package.date_deprecated.is_(None),
        )
        inactive = or_(
            package.last_updated.is_(None),
            package.last_updated < cutoff,
            package.date_repo_archived.is_not(None),
            package.date_deprecated.is_not(None),
        )
        conditions.append(active if spec.is_active else inactive)
    return conditions


def grid_package_count() -> Any:
    link: Any = models.GridPackage
    grid: Any = models.Grid
    return (
        select(func.count()).where(link.grid_id == grid.id).correlate(models.Grid).scalar_subquery()
    )


def grid_conditions(spec: GridFilter, *, dialect: str) -> list[ColumnElement[bool]]:
    grid: Any = models.Grid
    link: Any = models.GridPackage
    conditions: list[ColumnElement[bool]] = []
    if spec.search and spec.search.strip():
        conditions.append(
            text_matches(dialect, spec.search, grid.title, grid.slug, grid.description)
        )
    if spec.package_ids or spec.package_slugs:
        package: Any = models.Package
        conditions.append(
            exists()
            .where(link.grid_id == grid.id)
            .where(
                or_(
                    link.package_id.in_(spec.package_ids),
                    link.package_id.in_(
                        select(package.id).where(package.slug.in_(spec.package_slugs))
                    ),
                )
            )
        )
    if spec.min_package_count is not None:
        conditions.append(grid_package_count() >= spec.min_package_count)
    return conditions


def participant_package_count() -> Any:
    link: Any = models.PackageParticipant
    person: Any = models.Participant
    return (
        select(func.count())
        .where(link.participant_id == person.id)
        .correlate(models.Participant)
        .scalar_subquery()
    )


def participant_conditions(spec: ParticipantFilter) -> list[ColumnElement[bool]]:
    person: Any = models.Participant
    conditions: list[ColumnElement[bool]] = []
    if spec.login_prefix:
        conditions.append(person.login.startswith(spec.login_prefix, autoescape=True))
    if spec.min_package_count is not None:
        conditions.append(participant_package_count() >= spec.min_package_count)
    return conditions


__all__ = [
    "GridFilter",
    "IntRange",
    "PackageFilter",
    "ParticipantFilter",
    "TimeRange",
    "grid_conditions",
    "package_conditions",
    "participant_conditions",
]

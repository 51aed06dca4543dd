"""How each scalar field is written from a row's columns, as the Strawberry types write it.

A field is a tuple of the table columns it reads and a builder that, given where those
columns sit in the row, returns the getter. The conversions are the types' own
(`models.with_offset`, `domain.packages`, relay global ids, DateTime's isoformat).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Column
from strawberry.relay.utils import to_base64

import models
from domain import packages as facts
from fastpath.plan import Env, Getter, Row

Builder = Callable[[tuple[int, ...]], Getter]
FieldSpec = tuple[tuple[Column[Any], ...], Builder]

PACKAGE = models.Package.__table__  # type: ignore[attr-defined]
CATEGORY = models.Category.__table__  # type: ignore[attr-defined]
GRID = models.Grid.__table__  # type: ignore[attr-defined]
PARTICIPANT = models.Participant.__table__  # type: ignore[attr-defined]
FEATURE = models.Feature.__table__  # type: ignore[attr-defined]
ELEMENT = models.Element.__table__  # type: ignore[attr-defined]
GRID_PACKAGE = models.GridPackage.__table__  # type: ignore[attr-defined]
PACKAGE_PARTICIPANT = models.PackageParticipant.__table__  # type: ignore[attr-defined]


def _read(at: tuple[int, ...]) -> Getter:
    index = at[0]
    return lambda row, env: row[index]


def plain(column: Column[Any]) -> FieldSpec:
    return (column,), _read


def is_plain(build: Builder) -> bool:
    """The field is its one column's value as the row holds it (read by position)."""
    return build is _read


def stamp(table: Any, name: str) -> FieldSpec:
    """A timestamp in the offset it was written with, as DateTime serialises it."""

    def build(at: tuple[int, ...]) -> Getter:
        instant, offset = at

        def get(row: Row, env: Env) -> Any:
            value = models.with_offset(row[instant], row[offset])
            return None if value is None else value.isoformat()

        return get

    return (table.c[name], table.c[f"{name}_offset"]), build


def derived(columns: tuple[Column[Any], ...], compute: Callable[..., Any]) -> FieldSpec:
    def build(at: tuple[int, ...]) -> Getter:
        if len(at) == 1:
            index = at[0]
            return lambda row, env: compute(row[index])
        return lambda row, env: compute(*(row[i] for i in at))

    return columns, build


def global_id(type_name: str, column: Column[Any]) -> FieldSpec:
    return derived((column,), lambda value: to_base64(type_name, str(value)))


def _active() -> FieldSpec:
    p = PACKAGE.c
    columns = (
        p.last_updated,
        p.last_updated_offset,
        p.date_repo_archived,
        p.date_repo_archived_offset,
        p.date_deprecated,
        p.date_deprecated_offset,
    )

    def build(at: tuple[int, ...]) -> Getter:
        a, b, c, d, e, f = at

        def get(row: Row, env: Env) -> Any:
            return facts.is_active(
                last_updated=models.with_offset(row[a], row[b]),
                date_repo_archived=models.with_offset(row[c], row[d]),
                date_deprecated=models.with_offset(row[e], row[f]),
                now=env.now,
            )

        return get

    return columns, build


def _common(table: Any, type_name: str) -> dict[str, FieldSpec]:
    """Category and Grid share these."""
    c = table.c
    return {
        "id": global_id(type_name, c.id),
        "databaseId": plain(c.id),
        "title": plain(c.title),
        "slug": plain(c.slug),
        "description": plain(c.description),
        "created": stamp(table, "created"),
        "modified": stamp(table, "modified"),
        "isFetched": plain(c.is_fetched),
        "version": plain(c.version),
    }


_p = PACKAGE.c
SCALARS: dict[str, dict[str, FieldSpec]] = {
    "Package": {
        "id": global_id("Package", _p.id),
        "databaseId": plain(_p.id),
        "title": plain(_p.title),
        "slug": plain(_p.slug),
        "repoUrl": plain(_p.repo_url),
        "repoDescription": plain(_p.repo_description),
        "repoWatchers": plain(_p.repo_watchers),
        "repoForks": plain(_p.repo_forks),
        "pypiUrl": plain(_p.pypi_url),
        "pypiVersion": plain(_p.pypi_version),
        "documentationUrl": plain(_p.documentation_url),
        "lastUpdated": stamp(PACKAGE, "last_updated"),
        "lastFetched": stamp(PACKAGE, "last_fetched"),
        "created": stamp(PACKAGE, "created"),
        "modified": stamp(PACKAGE, "modified"),
        "commitsOver52": derived((_p.commits_over_52,), lambda v: list(v or [])),
        "repoHost": derived((_p.repo_url, _p.repo_host), facts.repo_host),
        "score": plain(_p.score),
        "pypiDownloads": plain(_p.pypi_downloads),
        "supportsPython3": plain(_p.supports_python3),
        "commitCount": plain(_p.commit_count),
        "favoriteCount": plain(_p.favorite_count),
        "dateDeprecated": stamp(PACKAGE, "date_deprecated"),
        "dateRepoArchived": stamp(PACKAGE, "date_repo_archived"),
        "isActive": _active(),
        "isArchived": derived((_p.date_repo_archived,), facts.is_archived),
        "isDeprecated": derived((_p.date_deprecated,), facts.is_deprecated),
        "pypiName": derived((_p.pypi_url,), facts.pypi_name),
        "commitsLastYear": derived(
            (_p.commits_over_52,), lambda v: facts.commits_last_year(v or [])
        ),
        "version": plain(_p.version),
    },
    "Category": {
        **_common(CATEGORY, "Category"),
        "titlePlural": plain(CATEGORY.c.title_plural),
        "showPypi": plain(CATEGORY.c.show_pypi),
    },
    "Grid": {
        **_common(GRID, "Grid"),
        "isLocked": plain(GRID.c.is_locked),
        "header": plain(GRID.c.header),
    },
    "Participant": {
        "id": global_id("Participant", PARTICIPANT.c.id),
        "login": plain(PARTICIPANT.c.login),
        "profileUrl": derived((PARTICIPANT.c.login,), facts.github_profile_url),
        "avatarUrl": derived((PARTICIPANT.c.login,), facts.github_avatar_url),
    },
    "Feature": {
        "id": plain(FEATURE.c.id),
        "title": plain(FEATURE.c.title),
        "description": plain(FEATURE.c.description),
        "version": plain(FEATURE.c.version),
    },
    "Element": {"text": plain(ELEMENT.c.text)},
    "GridRow": {},
}
"""Per GraphQL object type, the fields written straight from the row."""

"""Validated, source-neutral records: what the write path accepts, whoever produced it
(the importer builds them from the v4 API; `writes.catalogue` upserts them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class CategoryRecord:
    id: int
    title: str
    slug: str
    description: str
    title_plural: str
    show_pypi: bool
    created: datetime | None
    modified: datetime | None


@dataclass(frozen=True)
class GridRecord:
    id: int
    title: str
    slug: str
    description: str
    is_locked: bool
    header: bool
    created: datetime | None
    modified: datetime | None
    # None when the source did not list the grid's packages (then memberships are left alone).
    package_ids: tuple[int, ...] | None = None


@dataclass(frozen=True)
class PackageRecord:
    id: int
    title: str
    slug: str
    category_id: int | None
    grid_ids: tuple[int, ...]
    participants: tuple[str, ...]
    repo_url: str
    repo_description: str
    repo_watchers: int
    repo_forks: int
    pypi_url: str | None
    pypi_version: str | None
    documentation_url: str | None
    last_updated: datetime | None
    last_fetched: datetime | None
    created: datetime | None
    modified: datetime | None
    commits_over_52: tuple[int, ...]
    repo_host: str | None = None
    score: int | None = None
    pypi_downloads: int | None = None
    supports_python3: bool | None = None
    commit_count: int | None = None
    favorite_count: int | None = None
    date_deprecated: datetime | None = None
    date_repo_archived: datetime | None = None

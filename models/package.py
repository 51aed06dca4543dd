"""The `package` table, with every field the v4 API and Django Packages keep."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, func, text
from sqlmodel import Field, SQLModel

from models.timestamps import UTCDateTime


class Package(SQLModel, table=True):
    """One Django package; `id` is the Django Packages id, so clients can sync by it."""

    __tablename__ = "package"
    # Every ordering a client can ask for, with the id tie-breaker, plus the filters.
    __table_args__ = (
        Index("ix_package_watchers", "repo_watchers", "id"),
        Index("ix_package_forks", "repo_forks", "id"),
        Index("ix_package_score", "score", "id"),
        Index("ix_package_last_updated", "last_updated", "id"),
        Index("ix_package_created", "created", "id"),
        Index("ix_package_modified", "modified", "id"),
        Index("ix_package_pypi_downloads", "pypi_downloads", "id"),
        Index("ix_package_title_lower", func.lower(text("title")), "id"),
        Index("ix_package_date_deprecated", "date_deprecated"),
        Index("ix_package_date_repo_archived", "date_repo_archived"),
        # Full-text search (PostgreSQL only); the expression matches loaders.filters.
        Index(
            "ix_package_search",
            text(
                "to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || "
                "coalesce(slug, '') || ' ' || coalesce(repo_description, ''))"
            ),
            postgresql_using="gin",
        ).ddl_if(dialect="postgresql"),
    )

    id: int = Field(primary_key=True)
    category_id: int | None = Field(default=None, foreign_key="category.id", index=True)
    title: str = Field(max_length=100)
    slug: str = Field(max_length=100, unique=True)
    repo_url: str = ""
    repo_description: str = ""
    repo_watchers: int = 0
    repo_forks: int = 0
    pypi_url: str | None = None
    pypi_version: str | None = None
    # "" and null both occur in the source and are kept apart for a faithful round trip.
    documentation_url: str | None = None
    last_updated: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_updated_offset: int | None = None
    last_fetched: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_fetched_offset: int | None = None
    created: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_offset: int | None = None
    modified: datetime | None = Field(default=None, sa_type=UTCDateTime)
    modified_offset: int | None = None
    # Weekly commit counts, oldest week first; 52 values or none at all.
    commits_over_52: list[int] = Field(default_factory=list, sa_type=JSON)
    repo_host: str | None = None
    score: int | None = None
    pypi_downloads: int | None = None
    supports_python3: bool | None = None
    commit_count: int | None = None
    favorite_count: int | None = None
    date_deprecated: datetime | None = Field(default=None, sa_type=UTCDateTime)
    date_deprecated_offset: int | None = None
    date_repo_archived: datetime | None = Field(default=None, sa_type=UTCDateTime)
    date_repo_archived_offset: int | None = None
    # Bumped by every change, so an edit made on a stale copy is refused (see writes/).
    version: int = 1

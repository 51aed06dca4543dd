"""The GraphQL `Package` type."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

import models
from domain import packages as facts
from loaders.connections import PageKey
from loaders.orderings import SOURCE_ORDER
from readmodel import read_field, read_from, row_values, stamp_field
from readmodel import relations as links
from schema.arguments import page_window
from schema.context import Info
from schema.described import After, Before, First, Last
from schema.types.connection import Connection
from schema.types.nodes import load_nodes

if TYPE_CHECKING:
    from schema.types.category import Category
    from schema.types.grid import Grid
    from schema.types.participant import Participant


_ACTIVE_COLUMNS = (
    "last_updated",
    "last_updated_offset",
    "date_repo_archived",
    "date_repo_archived_offset",
    "date_deprecated",
    "date_deprecated_offset",
)


def _is_active(
    last_updated: datetime | None,
    last_updated_offset: int | None,
    date_repo_archived: datetime | None,
    date_repo_archived_offset: int | None,
    date_deprecated: datetime | None,
    date_deprecated_offset: int | None,
    *,
    now: datetime,
) -> bool:
    """`facts.is_active` on the stored instants and offsets (`_ACTIVE_COLUMNS`)."""
    return facts.is_active(
        last_updated=models.with_offset(last_updated, last_updated_offset),
        date_repo_archived=models.with_offset(date_repo_archived, date_repo_archived_offset),
        date_deprecated=models.with_offset(date_deprecated, date_deprecated_offset),
        now=now,
    )


def _weekly(commits_over_52: list[int] | None) -> list[int]:
    return list(commits_over_52 or [])


def _commits_last_year(commits_over_52: list[int] | None) -> int:
    return facts.commits_last_year(commits_over_52 or [])


@strawberry.type(description="A reusable Django app, site or tool listed on Django Packages.")
@read_from(models.Package)
class Package(relay.Node):
    database_id: int = read_field(
        column="id",
        description="The Django Packages id (stable; use it to sync with the v4 REST API).",
    )
    title: str = read_field(description="The name shown on Django Packages.")
    slug: str = read_field(
        description="The package's key in Django Packages URLs (`/packages/p/<slug>/`); unique."
    )
    repo_url: str = read_field(
        description='Repository URL (GitHub, GitLab, ...); "" when none is known.'
    )
    repo_description: str = read_field(
        description='The repository\'s own description; "" when it has none.'
    )
    repo_watchers: int = read_field(description="Stars/watchers of the repository.")
    repo_forks: int = read_field(description="Forks of the repository.")
    pypi_url: str | None = read_field(
        description="The PyPI page, or a bare project name as Django Packages stores some; "
        '"" and null both mean not on PyPI. `pypiName` gives the name either way.'
    )
    pypi_version: str | None = read_field(description="Latest release on PyPI; null when unknown.")
    documentation_url: str | None = read_field(
        description='Documentation URL; "" and null both mean none is known.'
    )
    last_updated: datetime | None = stamp_field(
        description="Date of the last commit, with the UTC offset it was imported with; null "
        "when unknown."
    )
    last_fetched: datetime | None = stamp_field(
        description="When Django Packages last refreshed the repository and PyPI data."
    )
    created: datetime | None = stamp_field(
        description="When the package was listed on Django Packages; null when unknown."
    )
    modified: datetime | None = stamp_field(
        description="When its record last changed (an edit here sets it to now); null when unknown."
    )
    commits_over_52: list[int] = read_field(
        compute=_weekly,
        description="Commits per week over the last 52 weeks, oldest week first; may be empty.",
    )
    repo_host: str | None = read_field(
        columns=("repo_url", "repo_host"),
        compute=facts.repo_host,
        description="The repository host (github, gitlab, bitbucket, ...): as stored, else "
        "read from repoUrl; null when neither says.",
    )
    score: int | None = read_field(
        description="Django Packages' ranking score, as imported; null when the source gave "
        "none (the bundled seeds)."
    )
    pypi_downloads: int | None = read_field(
        description="Downloads from PyPI, as Django Packages counted them; null when unknown."
    )
    supports_python3: bool | None = read_field(
        description="Whether the package supports Python 3, per Django Packages; null: unknown."
    )
    commit_count: int | None = read_field(
        description="Commits in the repository, as Django Packages counted them; null: unknown."
    )
    favorite_count: int | None = read_field(
        description="How many Django Packages users marked it a favourite; null: unknown."
    )
    date_deprecated: datetime | None = stamp_field(
        description="When it was marked deprecated; null: it is not (see `isDeprecated`)."
    )
    date_repo_archived: datetime | None = stamp_field(
        description="When its repository was archived; null: it is not (see `isArchived`)."
    )
    is_active: bool = read_field(
        columns=_ACTIVE_COLUMNS,
        compute=_is_active,
        clock=True,
        description="A commit in the last year, and neither archived nor deprecated.",
    )
    is_archived: bool = read_field(
        column="date_repo_archived",
        compute=facts.is_archived,
        description="The repository is archived.",
    )
    is_deprecated: bool = read_field(
        column="date_deprecated",
        compute=facts.is_deprecated,
        description="Marked deprecated on Django Packages.",
    )
    pypi_name: str | None = read_field(
        column="pypi_url",
        compute=facts.pypi_name,
        description="The project name on PyPI, read from `pypiUrl` (old and new PyPI URLs); "
        "null when not on PyPI.",
    )
    commits_last_year: int = read_field(
        column="commits_over_52",
        compute=_commits_last_year,
        description="The sum of commitsOver52.",
    )
    category_id: strawberry.Private[int | None]
    version: int = read_field(
        description="Goes up with every change; pass it back as `expectedVersion` to edit."
    )

    @classmethod
    def from_row(cls, row: models.Package) -> Package:
        return cls(**row_values(cls, row), category_id=row.category_id)

    @classmethod
    def resolve_id(cls, root: Package, *, info: Info) -> str:
        return str(root.database_id)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> Sequence[Package | None]:
        rows = await load_nodes(info.context.loaders.package_by_id, node_ids, "Package", required)
        return [cls.from_row(row) if row else None for row in rows]

    @strawberry.field(
        description="The category the package is listed in; null when it has none. A category "
        "known only by id (not imported yet) has `isFetched: false` and a null title.",
        metadata=links.fetched_by(links.PACKAGE_CATEGORY),
    )
    async def category(
        self, info: Info
    ) -> Annotated[Category, strawberry.lazy("schema.types.category")] | None:
        from schema.types.category import Category

        if self.category_id is None:
            return None
        row = await info.context.loaders.category_by_id.load(self.category_id)
        return Category.from_row(row) if row else None

    @strawberry.field(
        description="The comparison grids the package appears in, in Django Packages' order. "
        "Grids known only by id (not imported yet) are included, with `isFetched: false` "
        "and null title and slug.",
        metadata=links.fetched_by(links.PACKAGE_GRIDS),
    )
    async def grids(
        self, info: Info
    ) -> list[Annotated[Grid, strawberry.lazy("schema.types.grid")]]:
        from schema.types.grid import Grid

        rows = await info.context.loaders.grids_of_package.load(self.database_id)
        return [Grid.from_row(row) for row in rows]

    @strawberry.field(
        description="Contributors, in the order Django Packages lists them.",
        metadata=links.fetched_by(links.PACKAGE_PARTICIPANTS),
    )
    async def participants(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Annotated[Participant, strawberry.lazy("schema.types.participant")]]:
        from schema.types.participant import Participant

        window = page_window(
            first=first, after=after, last=last, before=before, ordering=SOURCE_ORDER
        )
        key = PageKey(self.database_id, window, links.PACKAGE_PARTICIPANTS.ordering)
        page: Any = await info.context.loaders.participants_page_of_package.load(key)
        return Connection.from_page(page, Participant.from_row)

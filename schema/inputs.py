"""Filter and ordering inputs, converted to the loaders' hashable specs."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from loaders import filters
from schema.errors import BadUserInput


@strawberry.input(description="An inclusive integer range; either end may be left open.")
class IntRange:
    min: int | None = None
    max: int | None = None

    def to_spec(self, argument: str) -> filters.IntRange:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise BadUserInput(
                f"'{argument}.min' ({self.min}) is greater than '{argument}.max' ({self.max}).",
                argument=argument,
            )
        return filters.IntRange(self.min, self.max)


@strawberry.input(description="An inclusive time range; either end may be left open.")
class DateTimeRange:
    since: datetime | None = None
    until: datetime | None = None

    def to_spec(self, argument: str) -> filters.TimeRange:
        for name, value in (("since", self.since), ("until", self.until)):
            if value is not None and value.tzinfo is None:
                raise BadUserInput(
                    f"'{argument}.{name}' needs a UTC offset, e.g. 2024-01-01T00:00:00Z.",
                    argument=argument,
                )
        if self.since and self.until and self.since > self.until:
            raise BadUserInput(
                f"'{argument}.since' is after '{argument}.until'.", argument=argument
            )
        return filters.TimeRange(self.since, self.until)


MAX_LIST_ITEMS = 100
"""Values one list argument may hold: each is a condition of the SQL statement."""


def _tuple(values: list[str] | list[int] | None, argument: str) -> tuple[object, ...]:
    if values is not None and len(values) > MAX_LIST_ITEMS:
        raise BadUserInput(
            f"'{argument}' takes at most {MAX_LIST_ITEMS} values, got {len(values)}.",
            argument=argument,
        )
    return tuple(dict.fromkeys(values or []))


@strawberry.input(description="Package filters; all given conditions must hold.")
class PackageFilter:
    category_ids: list[int] | None = strawberry.field(default=None, description="Any of.")
    category_slugs: list[str] | None = strawberry.field(default=None, description="Any of.")
    grid_ids: list[int] | None = strawberry.field(default=None, description="In any of.")
    grid_slugs: list[str] | None = strawberry.field(default=None, description="In any of.")
    participant_logins: list[str] | None = strawberry.field(
        default=None, description="With any of these contributors."
    )
    search: str | None = strawberry.field(
        default=None, description="Case-insensitive text in title, slug or description."
    )
    repo_watchers: IntRange | None = None
    repo_forks: IntRange | None = None
    score: IntRange | None = None
    last_updated: DateTimeRange | None = None
    created: DateTimeRange | None = None
    has_pypi: bool | None = None
    is_active: bool | None = strawberry.field(
        default=None, description="A commit in the last year, not archived, not deprecated."
    )
    is_archived: bool | None = None
    is_deprecated: bool | None = None

    def to_spec(self) -> filters.PackageFilter:
        return filters.PackageFilter(
            category_ids=_tuple(self.category_ids, "filter.categoryIds"),  # type: ignore[arg-type]
            category_slugs=_tuple(self.category_slugs, "filter.categorySlugs"),  # type: ignore[arg-type]
            grid_ids=_tuple(self.grid_ids, "filter.gridIds"),  # type: ignore[arg-type]
            grid_slugs=_tuple(self.grid_slugs, "filter.gridSlugs"),  # type: ignore[arg-type]
            participant_logins=_tuple(self.participant_logins, "filter.participantLogins"),  # type: ignore[arg-type]
            search=self.search,
            repo_watchers=self.repo_watchers.to_spec("repoWatchers")
            if self.repo_watchers
            else None,
            repo_forks=self.repo_forks.to_spec("repoForks") if self.repo_forks else None,
            score=self.score.to_spec("score") if self.score else None,
            last_updated=self.last_updated.to_spec("lastUpdated") if self.last_updated else None,
            created=self.created.to_spec("created") if self.created else None,
            has_pypi=self.has_pypi,
            is_active=self.is_active,
            is_archived=self.is_archived,
            is_deprecated=self.is_deprecated,
        )


@strawberry.input(description="Grid filters; all given conditions must hold.")
class GridFilter:
    search: str | None = None
    has_package_ids: list[int] | None = strawberry.field(
        default=None, description="Grids comparing any of these packages."
    )
    has_package_slugs: list[str] | None = None
    min_package_count: int | None = None

    def to_spec(self) -> filters.GridFilter:
        return filters.GridFilter(
            search=self.search,
            package_ids=_tuple(self.has_package_ids, "filter.hasPackageIds"),  # type: ignore[arg-type]
            package_slugs=_tuple(self.has_package_slugs, "filter.hasPackageSlugs"),  # type: ignore[arg-type]
            min_package_count=self.min_package_count,
        )


@strawberry.input(description="Participant filters; all given conditions must hold.")
class ParticipantFilter:
    login_prefix: str | None = strawberry.field(default=None, description="Case-sensitive.")
    min_package_count: int | None = None

    def to_spec(self) -> filters.ParticipantFilter:
        return filters.ParticipantFilter(self.login_prefix, self.min_package_count)


@strawberry.enum
class OrderDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.enum
class PackageOrderField(Enum):
    ID = "ID"
    WATCHERS = "WATCHERS"
    FORKS = "FORKS"
    SCORE = "SCORE"
    LAST_UPDATED = "LAST_UPDATED"
    CREATED = "CREATED"
    MODIFIED = "MODIFIED"
    TITLE = "TITLE"
    PYPI_DOWNLOADS = "PYPI_DOWNLOADS"


@strawberry.input(description="Sort order; ties are broken by id in the same direction.")
class PackageOrder:
    field: PackageOrderField
    direction: OrderDirection = OrderDirection.DESC

    @property
    def key(self) -> str:
        return f"{self.field.value}_{self.direction.value}"


@strawberry.enum
class GridOrderField(Enum):
    ID = "ID"
    TITLE = "TITLE"


@strawberry.input
class GridOrder:
    field: GridOrderField
    direction: OrderDirection = OrderDirection.ASC

    @property
    def key(self) -> str:
        return f"{self.field.value}_{self.direction.value}"


@strawberry.enum
class ParticipantOrderField(Enum):
    ID = "ID"
    LOGIN = "LOGIN"


@strawberry.input
class ParticipantOrder:
    field: ParticipantOrderField
    direction: OrderDirection = OrderDirection.ASC

    @property
    def key(self) -> str:
        return f"{self.field.value}_{self.direction.value}"

"""Filter and ordering inputs, converted to the loaders' hashable specs."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from core.bounds import MAX_YEAR, MIN_YEAR, time_in_range
from core.characters import MAX_SEARCH_LENGTH
from loaders import filters
from schema.arguments import checked_name, checked_search
from schema.errors import BadUserInput


@strawberry.input(
    description="An inclusive integer range; either end may be left open. A row whose value "
    "is null (unknown) is outside every range."
)
class IntRange:
    min: int | None = strawberry.field(
        default=None, description="Lowest value kept (inclusive); null: no lower bound."
    )
    max: int | None = strawberry.field(
        default=None,
        description="Highest value kept (inclusive); null: no upper bound. Below `min`: "
        "BAD_USER_INPUT.",
    )

    def to_spec(self, argument: str) -> filters.IntRange:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise BadUserInput(
                f"'{argument}.min' ({self.min}) is greater than '{argument}.max' ({self.max}).",
                argument=argument,
            )
        return filters.IntRange(self.min, self.max)


@strawberry.input(
    description="An inclusive time range; either end may be left open. Times need a UTC "
    "offset (2024-01-01T00:00:00Z); without one: BAD_USER_INPUT. A null time is outside "
    "every range."
)
class DateTimeRange:
    since: datetime | None = strawberry.field(
        default=None, description="Earliest time kept (inclusive); null: no lower bound."
    )
    until: datetime | None = strawberry.field(
        default=None,
        description="Latest time kept (inclusive); null: no upper bound. Before `since`: "
        "BAD_USER_INPUT.",
    )

    def to_spec(self, argument: str) -> filters.TimeRange:
        for name, value in (("since", self.since), ("until", self.until)):
            if value is not None and value.tzinfo is None:
                raise BadUserInput(
                    f"'{argument}.{name}' needs a UTC offset, e.g. 2024-01-01T00:00:00Z.",
                    argument=argument,
                )
            if value is not None and not time_in_range(value):
                raise BadUserInput(
                    f"'{argument}.{name}' must be within the years {MIN_YEAR} to {MAX_YEAR}.",
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
    for value in values or ():
        if isinstance(value, str):  # a slug or a login
            checked_name(value, argument=argument)
    return tuple(dict.fromkeys(values or []))


def _search(value: str | None, argument: str) -> str | None:
    return None if value is None else checked_search(value, argument=argument)


_LIST = f"At most {MAX_LIST_ITEMS} values (more: BAD_USER_INPUT)"
_SEARCH = (
    f"At most {MAX_SEARCH_LENGTH} characters on one line (more, or a control character: "
    "BAD_USER_INPUT)."
)


@strawberry.input(
    description="Package filters; all given conditions must hold (AND), a list matches any "
    "of its values (OR). A condition left null does not filter."
)
class PackageFilter:
    category_ids: list[int] | None = strawberry.field(
        default=None, description=f"In any of these categories, by Django Packages id. {_LIST}."
    )
    category_slugs: list[str] | None = strawberry.field(
        default=None, description=f"In any of these categories, by slug. {_LIST}."
    )
    grid_ids: list[int] | None = strawberry.field(
        default=None, description=f"Compared in any of these grids, by Django Packages id. {_LIST}."
    )
    grid_slugs: list[str] | None = strawberry.field(
        default=None, description=f"Compared in any of these grids, by slug. {_LIST}."
    )
    participant_logins: list[str] | None = strawberry.field(
        default=None,
        description=f"With any of these contributors, by login (case-sensitive). {_LIST}.",
    )
    search: str | None = strawberry.field(
        default=None,
        description="Case-insensitive text in the title, slug or repository description "
        "(full-text and trigram indexes on PostgreSQL); blank: no condition. " + _SEARCH,
    )
    repo_watchers: IntRange | None = strawberry.field(
        default=None, description="Stars (watchers) of the repository, in this range."
    )
    repo_forks: IntRange | None = strawberry.field(
        default=None, description="Forks of the repository, in this range."
    )
    score: IntRange | None = strawberry.field(
        default=None, description="Django Packages' score, in this range (null scores never match)."
    )
    last_updated: DateTimeRange | None = strawberry.field(
        default=None, description="Last commit in this time range (never: no match)."
    )
    created: DateTimeRange | None = strawberry.field(
        default=None, description="Listed on Django Packages in this time range."
    )
    has_pypi: bool | None = strawberry.field(
        default=None, description="True: with a PyPI URL or name; false: without one."
    )
    is_active: bool | None = strawberry.field(
        default=None,
        description="True: a commit in the last year, not archived, not deprecated; false: "
        "any other.",
    )
    is_archived: bool | None = strawberry.field(
        default=None, description="True: the repository is archived; false: it is not."
    )
    is_deprecated: bool | None = strawberry.field(
        default=None, description="True: marked deprecated; false: not marked."
    )

    def to_spec(self) -> filters.PackageFilter:
        return filters.PackageFilter(
            category_ids=_tuple(self.category_ids, "filter.categoryIds"),  # type: ignore[arg-type]
            category_slugs=_tuple(self.category_slugs, "filter.categorySlugs"),  # type: ignore[arg-type]
            grid_ids=_tuple(self.grid_ids, "filter.gridIds"),  # type: ignore[arg-type]
            grid_slugs=_tuple(self.grid_slugs, "filter.gridSlugs"),  # type: ignore[arg-type]
            participant_logins=_tuple(self.participant_logins, "filter.participantLogins"),  # type: ignore[arg-type]
            search=_search(self.search, "filter.search"),
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


@strawberry.input(
    description="Grid filters; all given conditions must hold (AND), a list matches any of "
    "its values (OR). A condition left null does not filter."
)
class GridFilter:
    search: str | None = strawberry.field(
        default=None,
        description="Case-insensitive text in the title, slug or description; blank: no "
        "condition. " + _SEARCH,
    )
    has_package_ids: list[int] | None = strawberry.field(
        default=None,
        description=f"Grids comparing any of these packages, by Django Packages id. {_LIST}.",
    )
    has_package_slugs: list[str] | None = strawberry.field(
        default=None, description=f"Grids comparing any of these packages, by slug. {_LIST}."
    )
    min_package_count: int | None = strawberry.field(
        default=None, description="Grids comparing at least this many packages."
    )

    def to_spec(self) -> filters.GridFilter:
        return filters.GridFilter(
            search=_search(self.search, "filter.search"),
            package_ids=_tuple(self.has_package_ids, "filter.hasPackageIds"),  # type: ignore[arg-type]
            package_slugs=_tuple(self.has_package_slugs, "filter.hasPackageSlugs"),  # type: ignore[arg-type]
            min_package_count=self.min_package_count,
        )


@strawberry.input(
    description="Participant filters; all given conditions must hold. A condition left null "
    "does not filter."
)
class ParticipantFilter:
    login_prefix: str | None = strawberry.field(
        default=None, description="Logins starting with this text (case-sensitive)."
    )
    min_package_count: int | None = strawberry.field(
        default=None, description="Participants listed by at least this many packages."
    )

    def to_spec(self) -> filters.ParticipantFilter:
        prefix = self.login_prefix
        if prefix is not None:
            checked_name(prefix, argument="filter.loginPrefix")
        return filters.ParticipantFilter(prefix, self.min_package_count)


@strawberry.enum(description="Which way a list is sorted.")
class OrderDirection(Enum):
    ASC = strawberry.enum_value("ASC", description="Smallest first: A to Z, oldest first.")
    DESC = strawberry.enum_value("DESC", description="Largest first: Z to A, newest first.")


def _by(text: str) -> str:
    return f"By {text}; unknown (null) values sort last in either direction."


@strawberry.enum(description="What packages are sorted by.")
class PackageOrderField(Enum):
    ID = strawberry.enum_value("ID", description="By Django Packages id.")
    WATCHERS = strawberry.enum_value("WATCHERS", description="By stars (`repoWatchers`).")
    FORKS = strawberry.enum_value("FORKS", description="By forks (`repoForks`).")
    SCORE = strawberry.enum_value("SCORE", description=_by("Django Packages' score"))
    LAST_UPDATED = strawberry.enum_value(
        "LAST_UPDATED", description=_by("the last commit (`lastUpdated`)")
    )
    CREATED = strawberry.enum_value("CREATED", description=_by("when the package was listed"))
    MODIFIED = strawberry.enum_value(
        "MODIFIED", description=_by("when the record last changed (`modified`)")
    )
    TITLE = strawberry.enum_value("TITLE", description="By title, case-insensitive.")
    PYPI_DOWNLOADS = strawberry.enum_value(
        "PYPI_DOWNLOADS", description=_by("PyPI downloads (`pypiDownloads`)")
    )


@strawberry.input(description="Sort order; ties are broken by id in the same direction.")
class PackageOrder:
    field: PackageOrderField = strawberry.field(description="What to sort by.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.DESC, description="Which way; default DESC (largest first)."
    )

    @property
    def key(self) -> str:
        return f"{self.field.value}_{self.direction.value}"


@strawberry.enum(description="What grids are sorted by.")
class GridOrderField(Enum):
    ID = strawberry.enum_value("ID", description="By Django Packages id.")
    TITLE = strawberry.enum_value(
        "TITLE", description="By title, case-insensitive; grids without one sort last."
    )


@strawberry.input(description="Sort order of grids; ties are broken by id in the same direction.")
class GridOrder:
    field: GridOrderField = strawberry.field(description="What to sort by.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Which way; default ASC (smallest first)."
    )

    @property
    def key(self) -> str:
        return f"{self.field.value}_{self.direction.value}"


@strawberry.enum(description="What participants are sorted by.")
class ParticipantOrderField(Enum):
    ID = strawberry.enum_value("ID", description="By id.")
    LOGIN = strawberry.enum_value("LOGIN", description="By login.")


@strawberry.input(
    description="Sort order of participants; ties are broken by id in the same direction."
)
class ParticipantOrder:
    field: ParticipantOrderField = strawberry.field(description="What to sort by.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Which way; default ASC (smallest first)."
    )

    @property
    def key(self) -> str:
        return f"{self.field.value}_{self.direction.value}"

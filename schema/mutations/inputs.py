"""Mutation inputs. Update inputs change only the fields a client sends."""

from __future__ import annotations

import strawberry
from strawberry import UNSET

_TITLE = "Up to 100 characters."
_SLUG = "Letters, digits, hyphens and underscores; up to 50; unique."


@strawberry.input(description="A new package. The id is given by the server.")
class CreatePackageInput:
    title: str = strawberry.field(description=_TITLE)
    slug: str = strawberry.field(description=_SLUG)
    category_id: int | None = strawberry.field(default=UNSET, description="A category id.")
    repo_url: str | None = strawberry.field(default=UNSET, description="http(s), up to 200.")
    repo_description: str | None = strawberry.field(default=UNSET, description="Up to 1,000.")
    pypi_url: str | None = strawberry.field(default=UNSET, description="A PyPI URL or name.")
    pypi_version: str | None = UNSET
    documentation_url: str | None = strawberry.field(default=UNSET, description="http(s).")
    repo_watchers: int | None = strawberry.field(default=UNSET, description="0 or more.")
    repo_forks: int | None = strawberry.field(default=UNSET, description="0 or more.")
    commits_over_52: list[int] | None = strawberry.field(
        default=UNSET, description="52 weekly counts (oldest first), each 0 or more; or []."
    )


@strawberry.input(description="Fields to change; those left out keep their value.")
class UpdatePackageInput:
    title: str | None = UNSET
    slug: str | None = UNSET
    category_id: int | None = UNSET
    repo_url: str | None = UNSET
    repo_description: str | None = UNSET
    pypi_url: str | None = UNSET
    pypi_version: str | None = UNSET
    documentation_url: str | None = UNSET
    repo_watchers: int | None = UNSET
    repo_forks: int | None = UNSET
    commits_over_52: list[int] | None = UNSET


@strawberry.input(description="A new comparison grid.")
class CreateGridInput:
    title: str = strawberry.field(description=_TITLE)
    slug: str = strawberry.field(description=_SLUG)
    description: str | None = strawberry.field(default=UNSET, description="Up to 1,000.")
    header: bool | None = UNSET


@strawberry.input(description="Fields to change; those left out keep their value.")
class UpdateGridInput:
    title: str | None = UNSET
    slug: str | None = UNSET
    description: str | None = UNSET
    header: bool | None = UNSET


@strawberry.input(description="A new feature (column) of a grid.")
class CreateFeatureInput:
    title: str = strawberry.field(description=_TITLE)
    description: str | None = strawberry.field(default=UNSET, description="Up to 1,000.")


@strawberry.input(description="Fields to change; those left out keep their value.")
class UpdateFeatureInput:
    title: str | None = UNSET
    description: str | None = UNSET


@strawberry.input(description="A new category.")
class CreateCategoryInput:
    title: str = strawberry.field(description="Up to 50 characters.")
    slug: str = strawberry.field(description=_SLUG)
    description: str | None = UNSET
    title_plural: str | None = strawberry.field(default=UNSET, description="Up to 50.")
    show_pypi: bool | None = UNSET


@strawberry.input(description="Fields to change; those left out keep their value.")
class UpdateCategoryInput:
    title: str | None = UNSET
    slug: str | None = UNSET
    description: str | None = UNSET
    title_plural: str | None = UNSET
    show_pypi: bool | None = UNSET

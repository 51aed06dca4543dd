"""Mutation inputs. Update inputs change only the fields a client sends."""

from __future__ import annotations

import strawberry
from strawberry import UNSET

_TITLE = "Up to 100 characters, one line."
_SLUG = "Letters, digits, hyphens and underscores; up to 50; unique."
_DESCRIPTION = "Up to 1,000 characters."
_URL = 'An absolute http(s) URL, up to 200 characters; "" or null: none.'
_PYPI = 'A PyPI URL or a bare project name, up to 255 characters; "" or null: not on PyPI.'
_VERSION = "The latest release's version, up to 100 characters, one line."
_COUNT = "0 or more."
_WEEKS = "52 weekly commit counts, oldest first, each 0 or more; or [] for none."
_CATEGORY = "The category's Django Packages id (`Category.databaseId`); null: none."
_HEADER = "Show the grid in the home page's header."
_SHOW_PYPI = "Show PyPI data for the category's packages."
_CATEGORY_TITLE = "Up to 50 characters, one line."


@strawberry.input(description="A new package. The id is given by the server.")
class CreatePackageInput:
    title: str = strawberry.field(description=_TITLE)
    slug: str = strawberry.field(description=_SLUG)
    category_id: int | None = strawberry.field(default=UNSET, description=_CATEGORY)
    repo_url: str | None = strawberry.field(default=UNSET, description=_URL)
    repo_description: str | None = strawberry.field(default=UNSET, description=_DESCRIPTION)
    pypi_url: str | None = strawberry.field(default=UNSET, description=_PYPI)
    pypi_version: str | None = strawberry.field(default=UNSET, description=_VERSION)
    documentation_url: str | None = strawberry.field(default=UNSET, description=_URL)
    repo_watchers: int | None = strawberry.field(default=UNSET, description=_COUNT)
    repo_forks: int | None = strawberry.field(default=UNSET, description=_COUNT)
    commits_over_52: list[int] | None = strawberry.field(default=UNSET, description=_WEEKS)


@strawberry.input(description="Fields to change; those left out keep their value.")
class UpdatePackageInput:
    title: str | None = strawberry.field(default=UNSET, description=_TITLE)
    slug: str | None = strawberry.field(default=UNSET, description=_SLUG)
    category_id: int | None = strawberry.field(default=UNSET, description=_CATEGORY)
    repo_url: str | None = strawberry.field(default=UNSET, description=_URL)
    repo_description: str | None = strawberry.field(default=UNSET, description=_DESCRIPTION)
    pypi_url: str | None = strawberry.field(default=UNSET, description=_PYPI)
    pypi_version: str | None = strawberry.field(default=UNSET, description=_VERSION)
    documentation_url: str | None = strawberry.field(default=UNSET, description=_URL)
    repo_watchers: int | None = strawberry.field(default=UNSET, description=_COUNT)
    repo_forks: int | None = strawberry.field(default=UNSET, description=_COUNT)
    commits_over_52: list[int] | None = strawberry.field(default=UNSET, description=_WEEKS)


@strawberry.input(description="A new comparison grid.")
class CreateGridInput:
    title: str = strawberry.field(description=_TITLE)
    slug: str = strawberry.field(description=_SLUG)
    description: str | None = strawberry.field(default=UNSET, description=_DESCRIPTION)
    header: bool | None = strawberry.field(default=UNSET, description=_HEADER)


@strawberry.input(description="Fields to change; those left out keep their value.")
class UpdateGridInput:
    title: str | None = strawberry.field(default=UNSET, description=_TITLE)
    slug: str | None = strawberry.field(default=UNSET, description=_SLUG)
    description: str | None = strawberry.field(default=UNSET, description=_DESCRIPTION)
    header: bool | None = strawberry.field(default=UNSET, description=_HEADER)


@strawberry.input(description="A new feature (column) of a grid.")
class CreateFeatureInput:
    title: str = strawberry.field(description=_TITLE)
    description: str | None = strawberry.field(default=UNSET, description=_DESCRIPTION)


@strawberry.input(description="Fields to change; those left out keep their value.")
class UpdateFeatureInput:
    title: str | None = strawberry.field(default=UNSET, description=_TITLE)
    description: str | None = strawberry.field(default=UNSET, description=_DESCRIPTION)


@strawberry.input(description="A new category.")
class CreateCategoryInput:
    title: str = strawberry.field(description=_CATEGORY_TITLE)
    slug: str = strawberry.field(description=_SLUG)
    description: str | None = strawberry.field(default=UNSET, description=_DESCRIPTION)
    title_plural: str | None = strawberry.field(default=UNSET, description=_CATEGORY_TITLE)
    show_pypi: bool | None = strawberry.field(default=UNSET, description=_SHOW_PYPI)


@strawberry.input(description="Fields to change; those left out keep their value.")
class UpdateCategoryInput:
    title: str | None = strawberry.field(default=UNSET, description=_CATEGORY_TITLE)
    slug: str | None = strawberry.field(default=UNSET, description=_SLUG)
    description: str | None = strawberry.field(default=UNSET, description=_DESCRIPTION)
    title_plural: str | None = strawberry.field(default=UNSET, description=_CATEGORY_TITLE)
    show_pypi: bool | None = strawberry.field(default=UNSET, description=_SHOW_PYPI)

"""The GraphQL `Category` type."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import strawberry
from strawberry import relay

import models
from readmodel import read_field, read_from, row_values, stamp_field
from readmodel import relations as links
from schema.context import Info
from schema.package_lists import nested_packages_field
from schema.types.nodes import load_nodes


@strawberry.type(description="A category of packages: apps, frameworks, projects, ...")
@read_from(models.Category)
class Category(relay.Node):
    database_id: int = read_field(column="id", description="The Django Packages id.")
    title: str | None = read_field(
        description="The category's name (App, Framework, ...); null until the category is "
        "fetched (`isFetched: false`)."
    )
    slug: str | None = read_field(
        description="The category's key (apps, frameworks, ...); unique; null until fetched."
    )
    description: str | None = read_field(
        description="What belongs in the category; null until fetched."
    )
    title_plural: str | None = read_field(
        description="The name for many (Apps, Frameworks); null until fetched."
    )
    show_pypi: bool | None = read_field(
        description="Whether Django Packages shows PyPI data for this category's packages; "
        "null until fetched."
    )
    created: datetime | None = stamp_field(
        description="When the category was made on Django Packages; null when unknown."
    )
    modified: datetime | None = stamp_field(
        description="When its record last changed (an edit here sets it to now); null when unknown."
    )
    is_fetched: bool = read_field(
        description="False when only a package's reference to this category is known yet: "
        "no title or slug until an import fetches it. Lists leave such categories out "
        "unless asked (`includeUnfetched`)."
    )
    version: int = read_field(
        description="Goes up with every change; pass it back as `expectedVersion` to edit."
    )

    @classmethod
    def from_row(cls, row: models.Category) -> Category:
        return cls(**row_values(cls, row))

    @classmethod
    def resolve_id(cls, root: Category, *, info: Info) -> str:
        return str(root.database_id)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> Sequence[Category | None]:
        loader = info.context.loaders.category_by_id
        rows = await load_nodes(loader, node_ids, "Category", required)
        return [cls.from_row(row) if row else None for row in rows]

    packages = nested_packages_field(
        lambda loaders: loaders.packages_page_of_category,
        lambda parent: parent.database_id,
        "Packages in this category (default order: by id).",
        links.CATEGORY_PACKAGES,
    )

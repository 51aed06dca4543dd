"""The GraphQL `Category` type."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from loaders import ChildKey
from schema.arguments import page_size
from schema.context import Info

if TYPE_CHECKING:
    from schema.types.package import Package


@strawberry.type(description="A category of packages: apps, frameworks, projects, ...")
class Category:
    id: int
    title: str | None = strawberry.field(description="Null until the category is fetched.")
    slug: str | None
    description: str | None
    title_plural: str | None
    show_pypi: bool | None
    created: datetime | None
    modified: datetime | None
    is_fetched: bool = strawberry.field(
        description="False when only a package's reference to this category is known yet."
    )

    @classmethod
    def from_row(cls, row: models.Category) -> Category:
        return cls(
            id=row.id,
            title=row.title,
            slug=row.slug,
            description=row.description,
            title_plural=row.title_plural,
            show_pypi=row.show_pypi,
            created=models.with_offset(row.created, row.created_offset),
            modified=models.with_offset(row.modified, row.modified_offset),
            is_fetched=row.is_fetched,
        )

    @strawberry.field(description="Packages in this category, by id.")
    async def packages(
        self, info: Info, first: int | None = None
    ) -> list[Annotated[Package, strawberry.lazy("schema.types.package")]]:
        from schema.types.package import Package

        key = ChildKey(self.id, page_size(first, default=None))
        rows = await info.context.loaders.packages_of_category.load(key)
        return [Package.from_row(row) for row in rows]

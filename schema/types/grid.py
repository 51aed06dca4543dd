"""The GraphQL `Grid` type and its comparison rows."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from loaders import ChildKey
from schema.arguments import page_size
from schema.context import Info
from schema.types.feature import Element, Feature

if TYPE_CHECKING:
    from schema.types.package import Package


@strawberry.type(description="A package's row of a comparison grid.")
class GridRow:
    package_id: strawberry.Private[int]
    elements: list[Element] = strawberry.field(description="The row's cells, by feature id.")

    @strawberry.field
    async def package(
        self, info: Info
    ) -> Annotated[Package, strawberry.lazy("schema.types.package")]:
        from schema.types.package import Package

        row = await info.context.loaders.package_by_id.load(self.package_id)
        assert row is not None, "a grid row's package is enforced by a foreign key"
        return Package.from_row(row)


@strawberry.type(description="A comparison grid: packages side by side on a set of features.")
class Grid:
    id: int
    title: str | None = strawberry.field(description="Null until the grid is fetched.")
    slug: str | None
    description: str | None
    is_locked: bool | None
    header: bool | None
    created: datetime | None
    modified: datetime | None
    is_fetched: bool = strawberry.field(
        description="False when only a package's reference to this grid is known yet."
    )

    @classmethod
    def from_row(cls, row: models.Grid) -> Grid:
        return cls(
            id=row.id,
            title=row.title,
            slug=row.slug,
            description=row.description,
            is_locked=row.is_locked,
            header=row.header,
            created=models.with_offset(row.created, row.created_offset),
            modified=models.with_offset(row.modified, row.modified_offset),
            is_fetched=row.is_fetched,
        )

    @strawberry.field(description="Packages compared by this grid, by id.")
    async def packages(
        self, info: Info, first: int | None = None
    ) -> list[Annotated[Package, strawberry.lazy("schema.types.package")]]:
        from schema.types.package import Package

        key = ChildKey(self.id, page_size(first, default=None))
        rows = await info.context.loaders.packages_of_grid.load(key)
        return [Package.from_row(row) for row in rows]

    @strawberry.field(description="The features (columns) of the grid, by id.")
    async def features(self, info: Info) -> list[Feature]:
        rows = await info.context.loaders.features_of_grid.load(self.id)
        return [Feature.from_row(row) for row in rows]

    @strawberry.field(
        description="The comparison cells: for each package (by id) its elements, by feature."
    )
    async def rows(self, info: Info, first: int | None = None) -> list[GridRow]:
        key = ChildKey(self.id, page_size(first, default=None))
        rows = await info.context.loaders.rows_of_grid.load(key)
        return [
            GridRow(
                package_id=row.package_id,
                elements=[Element.from_row(element) for element in row.elements],
            )
            for row in rows
        ]

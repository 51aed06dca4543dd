"""The GraphQL `Grid` type and its comparison rows."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

import models
from loaders import ChildKey
from readmodel import read_field, read_from, row_values, stamp_field
from readmodel import relations as links
from schema.arguments import page_size
from schema.context import Info
from schema.described import RowLimit
from schema.package_lists import nested_packages_field
from schema.types.comparison import ComparisonCell, ComparisonRow, GridComparison
from schema.types.feature import Element, Feature
from schema.types.nodes import load_nodes

if TYPE_CHECKING:
    from schema.types.package import Package


@strawberry.type(description="A package's row of a comparison grid.")
@read_from(models.GridPackage)
class GridRow:
    package_id: strawberry.Private[int]
    elements: list[Element] = strawberry.field(
        description="The row's cells, by feature id.",
        metadata=links.fetched_by(links.ROW_ELEMENTS),
    )

    @strawberry.field(
        description="The package this row is about.",
        metadata=links.fetched_by(links.ROW_PACKAGE),
    )
    async def package(
        self, info: Info
    ) -> Annotated[Package, strawberry.lazy("schema.types.package")]:
        from schema.types.package import Package

        row = await info.context.loaders.package_by_id.load(self.package_id)
        assert row is not None, "a grid row's package is enforced by a foreign key"
        return Package.from_row(row)


@strawberry.type(description="A comparison grid: packages side by side on a set of features.")
@read_from(models.Grid)
class Grid(relay.Node):
    database_id: int = read_field(column="id", description="The Django Packages id.")
    title: str | None = read_field(
        description="The grid's title; null until the grid is fetched (`isFetched: false`)."
    )
    slug: str | None = read_field(
        description="The grid's key in Django Packages URLs (`/grids/g/<slug>/`); unique; null "
        "until the grid is fetched."
    )
    description: str | None = read_field(
        description="What the grid compares; null until the grid is fetched."
    )
    is_locked: bool | None = read_field(
        description="Locked grids are edited by admin tokens only; null until fetched."
    )
    header: bool | None = read_field(
        description="Whether Django Packages shows the grid in its home page's header; null "
        "until fetched."
    )
    created: datetime | None = stamp_field(
        description="When the grid was made on Django Packages; null when unknown."
    )
    modified: datetime | None = stamp_field(
        description="When its record last changed (an edit here sets it to now); null when unknown."
    )
    is_fetched: bool = read_field(
        description="False when only a package's reference to this grid is known yet: no "
        "title, slug or features until an import fetches it. Lists leave such grids out "
        "unless asked (`includeUnfetched`)."
    )
    version: int = read_field(
        description="Goes up with every change; pass it back as `expectedVersion` to edit."
    )

    @classmethod
    def from_row(cls, row: models.Grid) -> Grid:
        return cls(**row_values(cls, row))

    @classmethod
    def resolve_id(cls, root: Grid, *, info: Info) -> str:
        return str(root.database_id)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> Sequence[Grid | None]:
        rows = await load_nodes(info.context.loaders.grid_by_id, node_ids, "Grid", required)
        return [cls.from_row(row) if row else None for row in rows]

    packages = nested_packages_field(
        lambda loaders: loaders.packages_page_of_grid,
        lambda parent: parent.database_id,
        "Packages compared by this grid (default order: by id).",
        links.GRID_PACKAGES,
    )

    @strawberry.field(
        description="The features (columns) of the grid, by id; may be empty.",
        metadata=links.fetched_by(links.GRID_FEATURES),
    )
    async def features(self, info: Info) -> list[Feature]:
        rows = await info.context.loaders.features_of_grid.load(self.database_id)
        return [Feature.from_row(row) for row in rows]

    @strawberry.field(
        description="The raw comparison cells: for each package (by id) its elements, by "
        "feature; a package without cells has an empty list. `comparison` gives them as a "
        "matrix with ratings.",
        metadata=links.fetched_by(links.GRID_ROWS),
    )
    async def rows(self, info: Info, first: RowLimit = None) -> list[GridRow]:
        key = ChildKey(self.database_id, page_size(first, default=None))
        rows = await info.context.loaders.rows_of_grid.load(key)
        return [
            GridRow(
                package_id=row.package_id,
                elements=[Element.from_row(element) for element in row.elements],
            )
            for row in rows
        ]

    @strawberry.field(
        description="The matrix: features x packages (the first N by id), one cell per "
        "feature in every row, each with its rating."
    )
    async def comparison(self, info: Info, first: RowLimit = None) -> GridComparison:
        loaders = info.context.loaders
        key = ChildKey(self.database_id, page_size(first, default=None))
        feature_rows, grid_rows = await asyncio.gather(
            loaders.features_of_grid.load(self.database_id), loaders.rows_of_grid.load(key)
        )
        features = [Feature.from_row(row) for row in feature_rows]
        rows = []
        for row in grid_rows:
            texts = {element.feature_id: element.text for element in row.elements}
            cells = [
                ComparisonCell(feature=feature, text=texts.get(feature.id) or None)
                for feature in features
            ]
            rows.append(ComparisonRow(package_id=row.package_id, cells=cells))
        return GridComparison(features=features, rows=rows)

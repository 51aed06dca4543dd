"""The GraphQL `Category` type."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

import models
from schema.context import Info
from schema.types.connection import Connection
from schema.types.nodes import load_nodes

if TYPE_CHECKING:
    from schema.inputs import PackageFilter, PackageOrder
    from schema.types.package import Package


@strawberry.type(description="A category of packages: apps, frameworks, projects, ...")
class Category(relay.Node):
    database_id: int = strawberry.field(description="The Django Packages id.")
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
            database_id=row.id,
            title=row.title,
            slug=row.slug,
            description=row.description,
            title_plural=row.title_plural,
            show_pypi=row.show_pypi,
            created=models.with_offset(row.created, row.created_offset),
            modified=models.with_offset(row.modified, row.modified_offset),
            is_fetched=row.is_fetched,
        )

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

    @strawberry.field(description="Packages in this category (default order: by id).")
    async def packages(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: Annotated[PackageFilter, strawberry.lazy("schema.inputs")] | None = None,
        order_by: Annotated[PackageOrder, strawberry.lazy("schema.inputs")] | None = None,
    ) -> Connection[Annotated[Package, strawberry.lazy("schema.types.package")]]:
        from schema.package_lists import nested_packages

        return await nested_packages(
            info.context.loaders.packages_page_of_category,
            self.database_id,
            first=first,
            after=after,
            last=last,
            before=before,
            filter=filter,
            order_by=order_by,
        )

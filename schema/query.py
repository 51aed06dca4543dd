"""The root `Query`: look-ups by key and paged lists."""

from __future__ import annotations

from typing import Any, TypeVar

import strawberry
from sqlalchemy import Select, select
from sqlmodel import col

import models
from schema.arguments import DEFAULT_PAGE_SIZE, one_of_id_or_slug, page_offset, page_size
from schema.context import Info
from schema.types.category import Category
from schema.types.grid import Grid
from schema.types.package import Package
from schema.types.participant import Participant

Row = TypeVar("Row")


async def _page(
    info: Info, statement: Select[Any], first: int | None, offset: int | None
) -> list[Any]:
    limit = page_size(first, default=DEFAULT_PAGE_SIZE)
    statement = statement.limit(limit).offset(page_offset(offset))
    async with info.context.db.session() as session:
        return list((await session.execute(statement)).scalars().all())


async def _by_id_or_slug(
    loader_by_id: Any, loader_by_slug: Any, id: int | None, slug: str | None
) -> Any:
    one_of_id_or_slug(id, slug)
    if id is not None:
        return await loader_by_id.load(id)
    return await loader_by_slug.load(slug)


@strawberry.type
class Query:
    @strawberry.field(description="One package, by its Django Packages id or by slug.")
    async def package(
        self, info: Info, id: int | None = None, slug: str | None = None
    ) -> Package | None:
        loaders = info.context.loaders
        row = await _by_id_or_slug(loaders.package_by_id, loaders.package_by_slug, id, slug)
        return Package.from_row(row) if row else None

    @strawberry.field(description="Packages ordered by id; `first` is 1 to 100, default 20.")
    async def packages(
        self, info: Info, first: int | None = None, offset: int | None = None
    ) -> list[Package]:
        statement = select(models.Package).order_by(col(models.Package.id))
        rows = await _page(info, statement, first, offset)
        info.context.loaders.prime_packages(rows)
        return [Package.from_row(row) for row in rows]

    @strawberry.field(description="One grid, by id or by slug.")
    async def grid(self, info: Info, id: int | None = None, slug: str | None = None) -> Grid | None:
        loaders = info.context.loaders
        row = await _by_id_or_slug(loaders.grid_by_id, loaders.grid_by_slug, id, slug)
        return Grid.from_row(row) if row else None

    @strawberry.field(description="Grids ordered by id; `first` is 1 to 100, default 20.")
    async def grids(
        self, info: Info, first: int | None = None, offset: int | None = None
    ) -> list[Grid]:
        statement = select(models.Grid).order_by(col(models.Grid.id))
        return [Grid.from_row(row) for row in await _page(info, statement, first, offset)]

    @strawberry.field(description="One category, by id or by slug.")
    async def category(
        self, info: Info, id: int | None = None, slug: str | None = None
    ) -> Category | None:
        loaders = info.context.loaders
        row = await _by_id_or_slug(loaders.category_by_id, loaders.category_by_slug, id, slug)
        return Category.from_row(row) if row else None

    @strawberry.field(description="Categories ordered by id; `first` is 1 to 100, default 20.")
    async def categories(
        self, info: Info, first: int | None = None, offset: int | None = None
    ) -> list[Category]:
        statement = select(models.Category).order_by(col(models.Category.id))
        return [Category.from_row(row) for row in await _page(info, statement, first, offset)]

    @strawberry.field(description="One participant, by login (case-sensitive).")
    async def participant(self, info: Info, login: str) -> Participant | None:
        row = await info.context.loaders.participant_by_login.load(login)
        return Participant.from_row(row) if row else None

    @strawberry.field(description="Participants ordered by login; `first` is 1 to 100, default 20.")
    async def participants(
        self, info: Info, first: int | None = None, offset: int | None = None
    ) -> list[Participant]:
        statement = select(models.Participant).order_by(
            col(models.Participant.login),
            col(models.Participant.id),
        )
        return [Participant.from_row(row) for row in await _page(info, statement, first, offset)]

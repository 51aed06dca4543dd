"""API v3: apiv3's slug-addressed read endpoints, in its `meta`/`objects` envelope.

v3 lists every row v4 lists, in id order; a grid or category known only by id is
addressed by its id where its slug would be (see `v3_resources`). Paging and statement
counts work as in v4.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.requests import Request
from starlette.routing import BaseRoute, Route

import models
from loaders import batch
from loaders.listing import listed
from rest import related, v3_resources
from rest.context import RestContext
from rest.errors import NotFound
from rest.pagination import PageRequest, page_request, v3_meta
from rest.queries import ByKeys, count_rows, fetch_page, is_id, names_a_row, one_by_key
from rest.responses import ROUTE_METHODS, endpoint
from rest.urls import v3_path

Keyed = TypeVar("Keyed", models.Grid, models.Category)


async def index(api: RestContext, request: Request) -> dict[str, str]:
    """apiv3's index, without `users`: user profiles are not imported."""
    return {name: v3_path(name) for name in ("categories", "grids", "packages")}


def _page_request(api: RestContext, request: Request) -> PageRequest:
    return page_request(request.query_params, max_limit=api.settings.max_page_size)


async def _packages_json(session: AsyncSession, rows: list[models.Package]) -> list[dict[str, Any]]:
    ids = [row.id for row in rows]
    categories = await related.categories_of(session, [row.category_id for row in rows])
    grids = await related.grids_by_package(session, ids)
    logins = await related.logins_by_package(session, ids)
    return [
        v3_resources.package(
            row,
            category=None if row.category_id is None else categories.get(row.category_id),
            grids=grids.get(row.id, []),
            logins=logins.get(row.id, []),
        )
        for row in rows
    ]


async def _package_page(
    session: AsyncSession, statement: Select[Any], page: PageRequest
) -> tuple[int, list[dict[str, Any]]]:
    count = await count_rows(session, statement)
    rows = await fetch_page(session, statement, page, count)
    return count, await _packages_json(session, rows)


async def package_list(api: RestContext, request: Request) -> dict[str, Any]:
    """All packages, or those of `?category=<slug>`; an unknown category is a 404."""
    page = _page_request(api, request)
    statement = select(models.Package).order_by(col(models.Package.id))
    keep: list[tuple[str, str]] = []
    async with api.db.session() as session:
        slug = request.query_params.get("category", "")
        if slug:
            known = names_a_row(slug)
            category = (await batch.categories_by_slug(session, [slug]))[0] if known else None
            if category is None:
                named = f"slug {slug!r}" if known else "that slug"  # never echo megabytes
                raise NotFound(f"No category with {named}.")
            statement = statement.where(col(models.Package.category_id) == category.id)
            keep.append(("category", slug))
        count, objects = await _package_page(session, statement, page)
    meta = v3_meta(path=request.url.path, page=page, count=count, keep=keep)
    # apiv3 always wrote `"category": null` here, filtered or not.
    return {"meta": meta, "category": None, "objects": objects}


async def package_detail(api: RestContext, request: Request) -> dict[str, Any]:
    async with api.db.session() as session:
        row = await one_by_key(session, request.path_params["slug"], by_slug=batch.packages_by_slug)
        return (await _packages_json(session, [row]))[0]


async def _by_v3_key(
    session: AsyncSession,
    key: str,
    *,
    by_slug: ByKeys[Keyed],
    by_id: ByKeys[Keyed],
) -> Keyed:
    """The row whose slug is `key`, else the slug-less row whose id is `key` (its v3 key)."""
    try:
        return await one_by_key(session, key, by_slug=by_slug)
    except NotFound:
        if not is_id(key):
            raise
    row = await one_by_key(session, key, by_id=by_id)
    if row.slug is not None:  # it has a real v3 address: its slug
        raise NotFound()
    return row


async def _grid_by_key(session: AsyncSession, key: str) -> models.Grid:
    return await _by_v3_key(session, key, by_slug=batch.grids_by_slug, by_id=batch.grids_by_id)


async def _grids_json(session: AsyncSession, rows: list[models.Grid]) -> list[dict[str, Any]]:
    members = await related.packages_by_grid(session, [row.id for row in rows])
    return [
        v3_resources.grid(row, package_slugs=[ref.slug for ref in members.get(row.id, [])])
        for row in rows
    ]


async def grid_list(api: RestContext, request: Request) -> dict[str, Any]:
    page = _page_request(api, request)
    grid = models.Grid  # not the grids known only by id: `loaders.listing`
    statement = select(grid).where(*listed(col(grid.is_fetched))).order_by(col(grid.id))
    async with api.db.session() as session:
        count = await count_rows(session, statement)
        objects = await _grids_json(session, await fetch_page(session, statement, page, count))
    return {"meta": v3_meta(path=request.url.path, page=page, count=count), "objects": objects}


async def grid_detail(api: RestContext, request: Request) -> dict[str, Any]:
    async with api.db.session() as session:
        row = await _grid_by_key(session, request.path_params["slug"])
        return (await _grids_json(session, [row]))[0]


async def grid_packages(api: RestContext, request: Request) -> dict[str, Any]:
    """A grid's packages, paged, with the grid itself beside them."""
    page = _page_request(api, request)
    async with api.db.session() as session:
        grid = await _grid_by_key(session, request.path_params["slug"])
        grid_json = (await _grids_json(session, [grid]))[0]
        link = models.GridPackage
        statement = (
            select(models.Package)
            .join(link, col(link.package_id) == col(models.Package.id))
            .where(col(link.grid_id) == grid.id)
            .order_by(col(models.Package.id))
        )
        count, objects = await _package_page(session, statement, page)
    meta = v3_meta(path=request.url.path, page=page, count=count)
    return {"meta": meta, "grid": grid_json, "objects": objects}


async def category_list(api: RestContext, request: Request) -> dict[str, Any]:
    page = _page_request(api, request)
    table = models.Category
    statement = select(table).where(*listed(col(table.is_fetched))).order_by(col(table.id))
    async with api.db.session() as session:
        count = await count_rows(session, statement)
        rows = await fetch_page(session, statement, page, count)
    objects = [v3_resources.category(row) for row in rows]
    return {"meta": v3_meta(path=request.url.path, page=page, count=count), "objects": objects}


async def category_detail(api: RestContext, request: Request) -> dict[str, Any]:
    async with api.db.session() as session:
        row = await _by_v3_key(
            session,
            request.path_params["slug"],
            by_slug=batch.categories_by_slug,
            by_id=batch.categories_by_id,
        )
    return v3_resources.category(row)


def v3_routes(api: RestContext) -> list[BaseRoute]:
    def route(path: str, handler: Any) -> Route:
        return Route(path, endpoint(api, handler), methods=ROUTE_METHODS)

    return [
        route("/", index),
        route("/packages/", package_list),
        route("/packages/{slug}/", package_detail),
        route("/grids/", grid_list),
        route("/grids/{slug}/", grid_detail),
        route("/grids/{slug}/packages/", grid_packages),
        route("/categories/", category_list),
        route("/categories/{slug}/", category_detail),
    ]

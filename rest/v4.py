"""API v4: DRF's read-only viewsets for packages, grids and categories, plus search.

Lists are newest id first and paged by `limit`/`offset`; details take an id, or
(packages and grids) a slug. A page costs a fixed number of statements: the count,
the page, then one batch statement per relation.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.requests import Request
from starlette.routing import BaseRoute, Route

import models
from core.characters import MAX_SEARCH_LENGTH, text_problem
from loaders import batch
from loaders.listing import listed
from rest import related, serializers
from rest.context import RestContext
from rest.errors import BadRequest
from rest.pagination import page_request, v4_page
from rest.queries import count_rows, fetch_page, one_by_key
from rest.responses import ROUTE_METHODS, endpoint
from rest.search import search_catalogue
from rest.urls import Urls


async def index(api: RestContext, request: Request) -> dict[str, str]:
    """DefaultRouter's API root, in its registration order."""
    urls = api.urls(request)
    return {name: urls.v4(name) for name in ("packages", "search", "grids", "categories")}


async def _newest_first(
    api: RestContext,
    request: Request,
    table: type[Any],
    to_json: Callable[[AsyncSession, list[Any]], Awaitable[list[dict[str, Any]]]],
    *,
    where: Sequence[ColumnElement[bool]] = (),
) -> dict[str, Any]:
    """A v4 list page: newest id first, the count, the page, then its relations."""
    page = page_request(request.query_params, max_limit=api.settings.max_page_size)
    statement = select(table).where(*where).order_by(col(table.id).desc())
    async with api.db.session() as session:
        count = await count_rows(session, statement)
        rows = await fetch_page(session, statement, page, count)
        results = await to_json(session, rows)
    return v4_page(
        urls=api.urls(request),
        path=request.url.path,
        params=request.query_params,
        page=page,
        count=count,
        results=results,
    )


async def _packages_json(
    urls: Urls, session: AsyncSession, rows: list[models.Package]
) -> list[dict[str, Any]]:
    ids = [row.id for row in rows]
    grids = await related.grids_by_package(session, ids)
    logins = await related.logins_by_package(session, ids)
    return [
        serializers.package(
            row, grids=grids.get(row.id, []), logins=logins.get(row.id, []), urls=urls
        )
        for row in rows
    ]


async def package_list(api: RestContext, request: Request) -> dict[str, Any]:
    urls = api.urls(request)
    return await _newest_first(
        api, request, models.Package, lambda session, rows: _packages_json(urls, session, rows)
    )


async def package_detail(api: RestContext, request: Request) -> dict[str, Any]:
    async with api.db.session() as session:
        row = await one_by_key(
            session,
            request.path_params["key"],
            by_id=batch.packages_by_id,
            by_slug=batch.packages_by_slug,
        )
        return (await _packages_json(api.urls(request), session, [row]))[0]


async def _grids_json(
    urls: Urls, session: AsyncSession, rows: list[models.Grid]
) -> list[dict[str, Any]]:
    members = await related.packages_by_grid(session, [row.id for row in rows])
    return [
        serializers.grid(row, package_ids=[ref.id for ref in members.get(row.id, [])], urls=urls)
        for row in rows
    ]


async def grid_list(api: RestContext, request: Request) -> dict[str, Any]:
    urls = api.urls(request)
    return await _newest_first(
        api,
        request,
        models.Grid,
        lambda session, rows: _grids_json(urls, session, rows),
        where=listed(col(models.Grid.is_fetched)),  # not the grids known only by id
    )


async def grid_detail(api: RestContext, request: Request) -> dict[str, Any]:
    async with api.db.session() as session:
        row = await one_by_key(
            session,
            request.path_params["key"],
            by_id=batch.grids_by_id,
            by_slug=batch.grids_by_slug,
        )
        return (await _grids_json(api.urls(request), session, [row]))[0]


async def _categories_json(
    session: AsyncSession, rows: list[models.Category]
) -> list[dict[str, Any]]:
    return [serializers.category(row) for row in rows]


async def category_list(api: RestContext, request: Request) -> dict[str, Any]:
    return await _newest_first(
        api,
        request,
        models.Category,
        _categories_json,
        where=listed(col(models.Category.is_fetched)),  # not the categories known only by id
    )


async def category_detail(api: RestContext, request: Request) -> dict[str, Any]:
    """By id only: v4's category viewset has no slug look-up."""
    async with api.db.session() as session:
        row = await one_by_key(session, request.path_params["key"], by_id=batch.categories_by_id)
    return serializers.category(row)


async def search(api: RestContext, request: Request) -> list[dict[str, Any]]:
    """A plain list (no paging), at most 20 items, like v4's search viewset."""
    q = request.query_params.get("q", "")
    problem = text_problem(q, max_length=MAX_SEARCH_LENGTH)
    if problem is not None:
        raise BadRequest(f"'q' {problem}.")
    async with api.db.session() as session:
        items = await search_catalogue(session, q, now=datetime.now(UTC))
    return [serializers.search_item(item) for item in items]


def v4_routes(api: RestContext) -> list[BaseRoute]:
    def route(path: str, handler: Any) -> Route:
        return Route(path, endpoint(api, handler), methods=ROUTE_METHODS)

    return [
        route("/", index),
        route("/packages/", package_list),
        route("/packages/{key}/", package_detail),
        route("/grids/", grid_list),
        route("/grids/{key}/", grid_detail),
        route("/categories/", category_list),
        route("/categories/{key}/", category_detail),
        route("/search/", search),
    ]

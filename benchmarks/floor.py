"""The floor: a hand-written Starlette + asyncpg + orjson server answering the workloads.

It returns the same JSON as the GraphQL server for each workload's POST, computed from the
database on every request with one SQL statement per workload (none for W4), no GraphQL
parsing or validation, no ORM: the speed a Python server on this stack could reach, which
the GraphQL server is measured against (issue 13). It routes on the operation name. The
client-shaped W1C-W3C (issue 24) are the same statements and the same dicts, with the
`__typename` keys a client asks for (and W1C's package found by its global id).

    FLOOR_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/dpgraph_bench \\
        .venv/bin/python -m uvicorn benchmarks.floor:app --port 8001
"""

from __future__ import annotations

import base64
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

import asyncpg  # type: ignore[import-untyped]
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

POOL_MAX = 20
"""The connections the GraphQL server's reads use: DB_POOL_SIZE (20), the width of the gate
in front of its pool (`core.fair_gate`); its DB_MAX_OVERFLOW (10) is for other work."""


class Fetcher(Protocol):
    """What the handlers need of a connection (a counting wrapper stands in for one)."""

    async def fetchrow(self, query: str, *args: Any) -> Any: ...

    async def fetch(self, query: str, *args: Any) -> list[Any]: ...


Handler = Callable[[Fetcher, dict[str, Any]], Awaitable[Any]]

# Grids keep the package's own order (position, NULLs last), then the grid id, as the
# server's grids_of_packages loader does; participants keep the source list's order.
_GRIDS = """ARRAY(
    SELECT ROW(g.title, g.slug) FROM grid_package AS gp JOIN grid AS g ON g.id = gp.grid_id
    WHERE gp.package_id = p.id ORDER BY gp.position IS NULL, gp.position, g.id)"""


def _logins(limit: int) -> str:
    return f"""ARRAY(
    SELECT pa.login FROM package_participant AS pp
    JOIN participant AS pa ON pa.id = pp.participant_id
    WHERE pp.package_id = p.id ORDER BY pp.position, pa.id LIMIT {limit})"""


W1_SQL = f"""
SELECT p.title, p.slug, p.repo_url, p.repo_description, p.pypi_version, p.repo_watchers,
       p.repo_forks, p.score, p.documentation_url, p.last_updated, p.last_updated_offset,
       p.commits_over_52, p.category_id, c.title AS category_title,
       {_GRIDS} AS grids, {_logins(100)} AS logins
FROM package AS p LEFT JOIN category AS c ON c.id = p.category_id
WHERE p.slug = $1
"""

W1C_SQL = W1_SQL.replace("WHERE p.slug = $1", "WHERE p.id = $1")

W2_SQL = f"""
SELECT p.title, p.slug, p.repo_watchers, p.category_id, c.title AS category_title,
       {_GRIDS} AS grids, {_logins(20)} AS logins
FROM package AS p LEFT JOIN category AS c ON c.id = p.category_id
ORDER BY p.repo_watchers DESC, p.id DESC
LIMIT 100
"""

W3_SQL = f"""
SELECT g.title, g.slug, g.description,
       ARRAY(SELECT ROW(f.id, f.title, f.description) FROM feature AS f
             WHERE f.grid_id = g.id ORDER BY f.id) AS features,
       ARRAY(SELECT ROW(p.title, p.slug, p.repo_watchers, p.pypi_version, {_logins(100)},
                        ARRAY(SELECT ROW(e.feature_id, e.text) FROM element AS e
                              WHERE e.grid_package_id = gp.id ORDER BY e.feature_id))
             FROM grid_package AS gp JOIN package AS p ON p.id = gp.package_id
             WHERE gp.grid_id = g.id ORDER BY p.id LIMIT 100) AS packages
FROM grid AS g
WHERE g.slug = $1
"""


def _timestamp(instant: datetime | None, offset: int | None) -> str | None:
    """The instant in the offset it was written with, as the server's DateTime shows it."""
    if instant is None:
        return None
    return instant.astimezone(timezone(timedelta(minutes=offset or 0))).isoformat()


def _category(row: Any, typed: bool = False) -> dict[str, Any] | None:
    if row["category_id"] is None:
        return None
    if typed:
        return {"title": row["category_title"], "__typename": "Category"}
    return {"title": row["category_title"]}


def _grids(grids: Sequence[tuple[Any, ...]], typed: bool = False) -> list[dict[str, Any]]:
    if typed:
        return [{"title": title, "slug": slug, "__typename": "Grid"} for title, slug in grids]
    return [{"title": title, "slug": slug} for title, slug in grids]


def _nodes(logins: Sequence[str], typed: bool = False) -> dict[str, Any]:
    if typed:
        return {
            "nodes": [{"login": login, "__typename": "Participant"} for login in logins],
            "__typename": "ParticipantConnection",
        }
    return {"nodes": [{"login": login} for login in logins]}


def _database_id(global_id: str, type_name: str) -> int | None:
    """The row id in a global id of `type_name` (base64 of `Type:id`); None otherwise."""
    try:
        kind, _, number = base64.b64decode(global_id).decode().partition(":")
        return int(number) if kind == type_name else None
    except ValueError:
        return None


def _package_page(row: Any, typed: bool) -> dict[str, Any]:
    return {
        "title": row["title"],
        "slug": row["slug"],
        "repoUrl": row["repo_url"],
        "repoDescription": row["repo_description"],
        "pypiVersion": row["pypi_version"],
        "repoWatchers": row["repo_watchers"],
        "repoForks": row["repo_forks"],
        "score": row["score"],
        "documentationUrl": row["documentation_url"],
        "lastUpdated": _timestamp(row["last_updated"], row["last_updated_offset"]),
        # The column holds a JSON array of ints: passed through, never parsed.
        "commitsOver52": orjson.Fragment(row["commits_over_52"]),
        "category": _category(row, typed),
        "grids": _grids(row["grids"], typed),
        "participants": _nodes(row["logins"], typed),
    }


async def w1(db: Fetcher, variables: dict[str, Any]) -> Any:
    row = await db.fetchrow(W1_SQL, variables["slug"])
    return {"package": None if row is None else _package_page(row, typed=False)}


async def w1c(db: Fetcher, variables: dict[str, Any]) -> Any:
    """`node(id:)`: `__typename` and `id` first, then the fragment's fields."""
    package_id = _database_id(variables["id"], "Package")
    row = None if package_id is None else await db.fetchrow(W1C_SQL, package_id)
    if row is None:
        return {"node": None}
    head = {"__typename": "Package", "id": variables["id"]}
    return {"node": head | _package_page(row, typed=True)}


async def w2(db: Fetcher, variables: dict[str, Any], typed: bool = False) -> Any:
    rows = await db.fetch(W2_SQL)
    nodes = [
        {
            "title": row["title"],
            "slug": row["slug"],
            "repoWatchers": row["repo_watchers"],
            "category": _category(row, typed),
            "grids": _grids(row["grids"], typed),
            "participants": _nodes(row["logins"], typed),
        }
        for row in rows
    ]
    if typed:
        for node in nodes:
            node["__typename"] = "Package"
        return {"packages": {"nodes": nodes, "__typename": "PackageConnection"}}
    return {"packages": {"nodes": nodes}}


async def w2c(db: Fetcher, variables: dict[str, Any]) -> Any:
    return await w2(db, variables, typed=True)


async def w3(db: Fetcher, variables: dict[str, Any]) -> Any:
    row = await db.fetchrow(W3_SQL, variables["slug"])
    if row is None:
        return {"grid": None}
    packages = row["packages"]
    return {
        "grid": {
            "title": row["title"],
            "slug": row["slug"],
            "description": row["description"],
            "features": [
                {"id": id_, "title": title, "description": description}
                for id_, title, description in row["features"]
            ],
            "packages": {
                "nodes": [
                    {
                        "title": title,
                        "slug": slug,
                        "repoWatchers": watchers,
                        "pypiVersion": version,
                        "participants": _nodes(logins),
                    }
                    for title, slug, watchers, version, logins, _ in packages
                ]
            },
            "rows": [
                {
                    "package": {"slug": slug},
                    "elements": [
                        {"feature": {"id": feature_id}, "text": text}
                        for feature_id, text in elements
                    ],
                }
                for _, slug, _, _, _, elements in packages
            ],
        }
    }


async def w3c(db: Fetcher, variables: dict[str, Any]) -> Any:
    row = await db.fetchrow(W3_SQL, variables["slug"])
    if row is None:
        return {"grid": None}
    packages = row["packages"]
    return {
        "grid": {
            "title": row["title"],
            "slug": row["slug"],
            "description": row["description"],
            "features": [
                {"id": id_, "title": title, "description": description, "__typename": "Feature"}
                for id_, title, description in row["features"]
            ],
            "packages": {
                "nodes": [
                    {
                        "title": title,
                        "slug": slug,
                        "repoWatchers": watchers,
                        "pypiVersion": version,
                        "participants": _nodes(logins, typed=True),
                        "__typename": "Package",
                    }
                    for title, slug, watchers, version, logins, _ in packages
                ],
                "__typename": "PackageConnection",
            },
            "rows": [
                {
                    "package": {"slug": slug, "__typename": "Package"},
                    "elements": [
                        {
                            "feature": {"id": feature_id, "__typename": "Feature"},
                            "text": text,
                            "__typename": "Element",
                        }
                        for feature_id, text in elements
                    ],
                    "__typename": "GridRow",
                }
                for _, slug, _, _, _, elements in packages
            ],
            "__typename": "Grid",
        }
    }


HANDLERS: dict[str, Handler] = {"W1": w1, "W2": w2, "W3": w3, "W1C": w1c, "W2C": w2c, "W3C": w3c}
"""The workloads that read the database; W4 (`{ __typename }`) needs none."""

TYPENAME = orjson.dumps({"data": {"__typename": "Query"}})


async def answer(db: Fetcher, operation: str | None, variables: dict[str, Any]) -> bytes:
    """The response body for one workload's operation (W4 never reaches the database)."""
    if operation == "W4":
        return TYPENAME
    handler = HANDLERS.get(operation or "")
    if handler is None:
        return orjson.dumps({"errors": [{"message": f"unknown operation {operation!r}"}]})
    return orjson.dumps({"data": await handler(db, variables)})


def pg_dsn(url: str) -> str:
    """asyncpg wants postgresql://; accept the server's SQLAlchemy spelling too."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _keep_session(connection: asyncpg.Connection) -> None:
    """Release without asyncpg's reset query (a round trip per request): the floor never
    changes session state, so there is nothing to reset."""


def create_app(database_url: str) -> Starlette:
    pool: asyncpg.Pool | None = None

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        nonlocal pool
        pool = await asyncpg.create_pool(
            pg_dsn(database_url), min_size=5, max_size=POOL_MAX, reset=_keep_session
        )
        try:
            yield
        finally:
            await pool.close()

    async def graphql(request: Request) -> Response:
        body = orjson.loads(await request.body())
        operation = body.get("operationName")
        variables = body.get("variables") or {}
        assert pool is not None
        if operation == "W4":
            return Response(TYPENAME, media_type="application/json")
        async with pool.acquire() as connection:
            content = await answer(connection, operation, variables)
        return Response(content, media_type="application/json")

    async def health(request: Request) -> Response:
        return Response(b'{"status":"ok"}', media_type="application/json")

    routes = [Route("/graphql", graphql, methods=["POST"]), Route("/healthz", health)]
    return Starlette(routes=routes, lifespan=lifespan)


def _from_environment() -> Starlette:
    url = os.environ.get("FLOOR_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/dpgraph_bench")
    return create_app(url)


app = _from_environment()

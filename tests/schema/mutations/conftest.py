"""Mutation test helpers: tokens of each scope and a GraphQL call over HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from strawberry import relay

import models
from auth import Scope, issue_token
from core.db import Database
from tests.factories import build_catalogue


@dataclass(frozen=True)
class Tokens:
    write: str
    admin: str


@pytest.fixture
async def tokens(db: Database) -> Tokens:
    write = await issue_token(db, name="editor", scope=Scope.WRITE)
    admin = await issue_token(db, name="root", scope=Scope.ADMIN)
    return Tokens(write=write.token, admin=admin.token)


@pytest.fixture
def gql(client: httpx.AsyncClient) -> Any:
    """`await gql(document, variables, token=...)`: the JSON answer of POST /graphql."""

    async def run(
        document: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        response = await client.post(
            "/graphql", json={"query": document, "variables": variables or {}}, headers=headers
        )
        body: dict[str, Any] = response.json()
        return body

    return run


@pytest.fixture
async def catalogue(db: Database) -> Database:
    """Category 1, grids 1 and 2 with two features each, packages 1 to 3 in both grids."""
    await build_catalogue(db, packages=3, grids=2, features_per_grid=2)
    return db


def gid(type_name: str, database_id: int) -> str:
    return relay.to_base64(type_name, database_id)


def error_of(answer: dict[str, Any]) -> dict[str, Any]:
    """The one error of a refused mutation (and its data is null)."""
    assert answer.get("data") is None or all(v is None for v in answer["data"].values()), answer
    [error] = answer["errors"]
    assert "Traceback" not in error["message"]
    result: dict[str, Any] = error
    return result


async def row_counts(db: Database) -> dict[str, int]:
    """Rows per catalogue table plus the audit log: a failed write must change none."""
    tables = (
        models.Package,
        models.Grid,
        models.GridPackage,
        models.Feature,
        models.Element,
        models.Category,
        models.PackageParticipant,
        models.Participant,
        models.AuditEntry,
    )
    counts: dict[str, int] = {}
    async with db.session() as session:
        for table in tables:
            statement = select(func.count()).select_from(table)
            counts[table.__name__] = (await session.execute(statement)).scalar_one()
    return counts

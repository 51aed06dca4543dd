"""Every GraphQL example of the README and of GraphiQL answers on a first-start database.

"Answers" means no errors and something to show: no top-level field is null, an empty
list, an empty connection or a `totalCount` of 0. The database is built by the same
function the CLI runs before serving (`prepare_database`, default settings: the demo
seeds plus the synthetic catalogue), in a SQLite file of its own.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from strawberry import relay

from auth import Scope, issue_token
from core.db import Database
from core.settings import PROJECT_ROOT, Settings
from schema.context import Context
from server.app import create_app
from server.cli import prepare_database
from server.graphiql import EXAMPLE_QUERIES

README = PROJECT_ROOT / "README.md"
BLOCKS = re.findall(r"```graphql\n(.*?)```", README.read_text(), flags=re.S)
QUERIES = [block for block in BLOCKS if not block.lstrip().startswith(("mutation", "subscription"))]
MUTATIONS = [block for block in BLOCKS if block.lstrip().startswith("mutation")]
# Subscriptions are validated in tests/subscriptions/test_readme.py.


def _name(document: str) -> str:
    """A readable test id: the operation name, else the first field."""
    words = re.findall(r"[A-Za-z_]\w*", document)
    return words[1] if words[0] in ("query", "mutation") else words[0]


@pytest.fixture(scope="module")
def first_start(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of a SQLite database prepared exactly as `scripts/serve` prepares it."""
    path = tmp_path_factory.mktemp("first-start") / "dpgraph.db"
    settings = Settings(database_url=f"sqlite+aiosqlite:///{path}", redis_url=None, _env_file=None)
    asyncio.run(prepare_database(settings))
    return settings


@pytest.fixture
async def first_db(first_start: Settings) -> AsyncIterator[Database]:
    db = Database.from_settings(first_start)
    yield db
    await db.dispose()


def empty_answers(data: dict[str, Any]) -> list[str]:
    """The top-level fields that answered nothing useful."""
    problems = []
    for name, value in data.items():
        if value is None or value == []:
            problems.append(f"{name} is {value!r}")
        elif isinstance(value, dict):
            if value.get("totalCount") == 0:
                problems.append(f"{name}.totalCount is 0")
            for listing in ("nodes", "edges"):
                if value.get(listing) == []:
                    problems.append(f"{name}.{listing} is empty")
    return problems


def test_empty_answers_are_recognised() -> None:
    assert empty_answers({"a": None, "b": [], "c": {"totalCount": 0}, "d": {"nodes": []}}) == [
        "a is None",
        "b is []",
        "c.totalCount is 0",
        "d.nodes is empty",
    ]
    assert empty_answers({"a": {"title": "x"}, "b": [1], "c": {"totalCount": 2}}) == []


def test_the_readme_and_graphiql_have_examples() -> None:
    assert len(QUERIES) >= 6 and MUTATIONS and EXAMPLE_QUERIES


async def _run(db: Database, settings: Settings, schema: Any, document: str) -> Any:
    context = Context.create(db=db, settings=settings)
    return await schema.execute(document, context_value=context)


@pytest.mark.parametrize("document", QUERIES, ids=_name)
async def test_each_readme_query_answers(first_db, first_start, graphql_schema, document: str):
    result = await _run(first_db, first_start, graphql_schema, document)
    assert result.errors is None, result.errors
    assert empty_answers(result.data) == [], result.data


@pytest.mark.parametrize("document", EXAMPLE_QUERIES, ids=_name)
async def test_each_graphiql_tab_answers(first_db, first_start, graphql_schema, document: str):
    result = await _run(first_db, first_start, graphql_schema, document)
    assert result.errors is None, result.errors
    assert empty_answers(result.data) == [], result.data


@pytest.mark.parametrize("document", MUTATIONS, ids=_name)
async def test_each_readme_mutation_edits_the_package_it_names(
    first_start: Settings, tmp_path: Path, graphql_schema: Any, document: str
) -> None:
    """Over HTTP with a write token, on a copy of the first-start database (it writes)."""
    copy = tmp_path / "copy.db"
    copy.write_bytes(Path(first_start.database_url.split("///", 1)[1]).read_bytes())
    settings = first_start.model_copy(update={"database_url": f"sqlite+aiosqlite:///{copy}"})
    db = Database.from_settings(settings)
    try:
        token = await issue_token(db, name="readme", scope=Scope.WRITE)
        global_id = re.search(r'id: "([^"]+)"', document)
        assert global_id, "the example names its package by global id"
        type_name, database_id = relay.from_base64(global_id[1])
        row = await _run(
            db, settings, graphql_schema, f"{{ package(id: {database_id}) {{ slug }} }}"
        )
        slug = row.data["package"]["slug"]
        assert type_name == "Package" and slug in document, (
            f"the id is {slug}'s; the example says otherwise"
        )
        app = create_app(settings, db=db)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            answer = (
                await http.post(
                    "/graphql",
                    json={"query": document},
                    headers={"Authorization": f"Bearer {token.token}"},
                )
            ).json()
        assert "errors" not in answer, answer
        assert empty_answers(answer["data"]) == []
        values = dict(re.findall(r"(\w+): (\d+|\"[^\"]*\")", document.split("input:", 1)[1]))
        after = await _run(
            db, settings, graphql_schema, f'{{ package(slug: "{slug}") {{ {" ".join(values)} }} }}'
        )
        for field, value in values.items():
            assert str(after.data["package"][field]) == value.strip('"'), field
    finally:
        await db.dispose()

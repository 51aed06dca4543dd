"""Every GraphQL example of the README (GraphiQL's tabs are the same documents) answers with
data, on the database a first start makes and after the README's own commands.

"Answers" means no errors, and no field the example names is null, an empty list or a
`totalCount` of 0, anywhere in the answer, unless the example says so in a comment on
that field's line (`text  # text: null where the cell is empty`). Queries run over HTTP
as an anonymous client; the mutations, the subscription and the webhook run on a live
server over a copy of the database, the way the README walks through them.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)

from auth import Scope, issue_token
from core.db import Database
from core.settings import PROJECT_ROOT, Settings
from server.app import create_app
from server.commands.cli import prepare_database
from server.graphql_http.examples import Example, readme_examples
from server.runtime import DEFAULT_THRESHOLDS
from tests.conftest import DIFFERENTIAL
from tests.server_process import free_port
from tests.subscriptions.conftest import live_server
from tests.subscriptions.wsclient import GraphQLSocket

EXAMPLES = readme_examples()
QUERIES = [example for example in EXAMPLES if example.operation == "query"]
RECEIVER = PROJECT_ROOT / "examples" / "webhook_receiver.py"


def _only(operation: str, marker: str | None = None) -> Example:
    [example] = [e for e in EXAMPLES if e.operation == operation and e.marker == marker]
    return example


# ---- what "answers" means ----------------------------------------------------------------


def _said_gaps(document: str) -> dict[int, set[str]]:
    """Per line, the fields its comment says may be null or empty (`text: null ...`)."""
    gaps: dict[int, set[str]] = {}
    for number, line in enumerate(document.splitlines(), start=1):
        comment = line.partition("#")[2]
        named = re.findall(r"\b(\w+): (?:null|\[\])", comment)
        if named:
            gaps[number] = set(named)
    return gaps


def _fields(
    selections: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode]
) -> Iterator[tuple[FieldNode, bool]]:
    """(field, only on some types): inline fragments and spreads apply to some objects only."""
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            yield selection, False
        elif isinstance(selection, InlineFragmentNode):
            for field, _ in _fields(selection.selection_set, fragments):
                yield field, True
        elif isinstance(selection, FragmentSpreadNode):
            for field, _ in _fields(fragments[selection.name.value].selection_set, fragments):
                yield field, True


def unanswered(document: str, data: Any) -> list[str]:
    """Every place where the answer to `document` shows nothing, unless the document says
    that field may (a comment on its line)."""
    tree = parse(document)
    fragments = {d.name.value: d for d in tree.definitions if isinstance(d, FragmentDefinitionNode)}
    [operation] = [d for d in tree.definitions if isinstance(d, OperationDefinitionNode)]
    gaps = _said_gaps(document)
    problems: list[str] = []

    def walk(selections: SelectionSetNode, value: dict[str, Any], path: str) -> None:
        for field, conditional in _fields(selections, fragments):
            key = field.alias.value if field.alias else field.name.value
            if key not in value:
                if not conditional:
                    problems.append(f"{path}{key} is missing")
                continue
            check(field, key, value[key], f"{path}{key}")

    def check(field: FieldNode, key: str, value: Any, path: str) -> None:
        line = field.loc.start_token.line if field.loc else 0
        said = gaps.get(line, set()) & {key, field.name.value}
        if value is None or value == []:
            if not said:
                problems.append(f"{path} is {json.dumps(value)}")
            return
        if key == "totalCount" and value == 0 and not said:
            problems.append(f"{path} is 0")
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            where = f"{path}[{index}]" if isinstance(value, list) else path
            if item is None and not said:
                problems.append(f"{where} is null")
            elif isinstance(item, dict) and field.selection_set is not None:
                walk(field.selection_set, item, f"{where}.")

    if not isinstance(data, dict):
        return [f"data is {json.dumps(data)}"]
    walk(operation.selection_set, data, "")
    return problems


def test_an_answer_with_nothing_to_show_is_recognised() -> None:
    document = """query {
      grid(slug: "x") {
        title
        rows { cells { text } }  # text: null in an empty cell
        packages { totalCount nodes { slug } }
        ... on Grid { missingOnOtherTypes }
      }
      search { ... on Package { slug } }
    }"""
    full = {
        "grid": {
            "title": "A",
            "rows": [{"cells": [{"text": None}, {"text": "yes"}]}],
            "packages": {"totalCount": 1, "nodes": [{"slug": "a"}]},
        },
        "search": [{}, {"slug": "b"}],
    }
    assert unanswered(document, full) == []
    empty = {
        "grid": {
            "title": None,
            "rows": [{"cells": []}],
            "packages": {"totalCount": 0, "nodes": [{"slug": None}]},
        },
        "search": [],
    }
    assert unanswered(document, empty) == [
        "grid.title is null",
        "grid.rows[0].cells is []",
        "grid.packages.totalCount is 0",
        "grid.packages.nodes[0].slug is null",
        "search is []",
    ]
    assert unanswered(document, {"grid": None, "search": [None]}) == [
        "grid is null",
        "search[0] is null",
    ]


def test_the_readme_has_each_kind_of_example() -> None:
    kinds = [(example.operation, example.marker) for example in EXAMPLES]
    assert len(QUERIES) >= 8
    assert {("mutation", None), ("subscription", None), ("mutation", "admin-token")} <= set(kinds)
    assert all(example.name for example in EXAMPLES), "GraphiQL names each tab by operation"


# ---- the databases the README leaves -------------------------------------------------------


def _settings(path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite+aiosqlite:///{path}",
        redis_url=None,
        gc_freeze=False,
        gc_gen0_threshold=DEFAULT_THRESHOLDS[0],
        compiled_differential=DIFFERENTIAL,
        _env_file=None,
    )


@pytest.fixture(scope="module")
def first_start(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A SQLite database prepared exactly as `scripts/serve` prepares it on first start."""
    settings = _settings(tmp_path_factory.mktemp("first-start") / "dpgraph.db")
    asyncio.run(prepare_database(settings))
    return settings


def _database_file(settings: Settings) -> Path:
    return Path(settings.database_url.split("///", 1)[1])


def _copy(settings: Settings, directory: Path) -> Settings:
    copy = directory / "dpgraph.db"
    copy.write_bytes(_database_file(settings).read_bytes())
    return _settings(copy)


@pytest.fixture(scope="module")
def after_readme_commands(
    first_start: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    """The first-start database after the README's `generate --packages 5000 --replace`
    and `import data/seeds`, run through `scripts/dpgraph` as written."""
    settings = _copy(first_start, tmp_path_factory.mktemp("after-readme-commands"))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["DATABASE_URL"] = settings.database_url
    for command in (["generate", "--packages", "5000", "--replace"], ["import", "data/seeds"]):
        done = subprocess.run(
            [str(PROJECT_ROOT / "scripts" / "dpgraph"), *command],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return settings


DATABASES = ["first-start", "after-generate-and-import"]


@pytest.fixture(params=DATABASES)
def readme_database(request: pytest.FixtureRequest) -> Settings:
    name = "first_start" if request.param == "first-start" else "after_readme_commands"
    settings: Settings = request.getfixturevalue(name)
    return settings


# ---- queries --------------------------------------------------------------------------------


@pytest.mark.parametrize("example", QUERIES, ids=lambda example: example.name)
async def test_each_query_example_answers(readme_database: Settings, example: Example) -> None:
    db = Database.from_settings(readme_database)
    try:
        transport = httpx.ASGITransport(app=create_app(readme_database, db=db))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            response = await http.post("/graphql", json={"query": example.document})
    finally:
        await db.dispose()
    answer = response.json()
    assert response.status_code == 200 and "errors" not in answer, answer
    assert unanswered(example.document, answer["data"]) == [], answer["data"]


# ---- the edits, the subscription and the webhook, as the README walks through them ----------


async def _post(url: str, document: str, token: str) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.post(
            url, json={"query": document}, headers={"Authorization": f"Bearer {token}"}
        )
    answer: dict[str, Any] = response.json()
    assert "errors" not in answer, answer
    assert unanswered(document, answer["data"]) == [], answer["data"]
    return answer["data"]


async def _until_subscribed(hub: Any) -> None:
    """The server has set the subscription up (its place in the event stream is fixed)."""
    async with asyncio.timeout(10):
        while hub.subscriptions < 1:
            await asyncio.sleep(0.01)


async def _start_receiver(port: int, secret: str) -> subprocess.Popen[str]:
    receiver = subprocess.Popen(
        [sys.executable, str(RECEIVER), "--port", str(port), "--secret", secret],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert receiver.stderr is not None
    ready = await asyncio.wait_for(asyncio.to_thread(receiver.stderr.readline), 10)
    assert ready.startswith("listening on"), ready
    return receiver


async def test_the_edits_subscription_and_webhook_work_as_the_readme_says(
    readme_database: Settings, tmp_path: Path
) -> None:
    settings = _copy(readme_database, tmp_path).model_copy(
        update={"webhook_allow_private_targets": True}  # as the README's walk-through sets it
    )
    db = Database.from_settings(settings)
    update, subscription = _only("mutation"), _only("subscription")
    webhook = _only("mutation", "admin-token")
    receiver: subprocess.Popen[str] | None = None
    receiver_port = free_port()
    try:
        write = (await issue_token(db, name="readme-write", scope=Scope.WRITE)).token
        admin = (await issue_token(db, name="readme-admin", scope=Scope.ADMIN)).token
        async with live_server(db, settings) as live:
            async with await GraphQLSocket.open(live.ws_url) as socket:
                await socket.subscribe(subscription.document)
                await _until_subscribed(live.app.state.hub)  # the WebSocket raced the POST
                edited = await _post(live.http_url, update.document, write)
                pushed = await socket.next_payload(timeout=10)
            assert "errors" not in pushed, pushed
            assert unanswered(subscription.document, pushed["data"]) == [], pushed
            assert pushed["data"]["packageChanged"]["repoWatchers"] == 3311

            document = webhook.document.replace(
                "http://127.0.0.1:9000/", f"http://127.0.0.1:{receiver_port}/"
            )
            assert document != webhook.document, "the example names the receiver's URL"
            created = await _post(live.http_url, document, admin)
            receiver = await _start_receiver(receiver_port, created["createWebhook"]["secret"])
            version = edited["updatePackage"]["version"]
            await _post(
                live.http_url,
                'mutation { updatePackage(id: "UGFja2FnZTo2MzE=", '
                f'expectedVersion: {version}, input: {{ title: "Django SHOP" }}) {{ title }} }}',
                write,
            )
            assert receiver.stdout is not None
            line = await asyncio.wait_for(asyncio.to_thread(receiver.stdout.readline), 20)
        delivery = json.loads(line)
        assert delivery["data"] == {
            "packageChanged": {"slug": "django-shop", "title": "Django SHOP"}
        }
        assert delivery["webhookId"].startswith("msg_")
    finally:
        if receiver is not None:
            receiver.terminate()
            receiver.communicate(timeout=10)  # reads and closes its pipes
        await db.dispose()

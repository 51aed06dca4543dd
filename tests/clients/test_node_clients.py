"""The JavaScript clients people use, run by Node against a live server: urql (with
Graphcache), the Relay runtime, Apollo Client, graphql-ws, graphql-sse and graphql-http's
compliance audit. The mainstream ones run on their defaults: a query, a mutation with a
token and a subscription each.

Hand-made protocol clients agree with the server they were written next to; these libraries
are what integrators run, and they fail on details the hand-made ones tolerate (binary
WebSocket frames, a request error sent as text/plain). Each script in tests/clients/node
prints one JSON line per step; the test drives it (restarting the server when it says so)
and asserts on what the library handed to its caller.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette

import models
from auth import Scope, issue_token
from core.db import Database
from core.settings import Settings
from events.hub import EventHub
from server.app import create_app
from tests.factories import build_catalogue
from tests.schema.mutations.conftest import gid
from tests.server_process import free_port

CLIENTS = Path(__file__).resolve().parent / "node"
NODE = shutil.which("node")
REDIS_URL = os.environ.get("REDIS_URL")
STEP_TIMEOUT = 30.0  # seconds for any one step of a script, so a hang fails instead


def _missing() -> str | None:
    if NODE is None:
        return "needs Node.js 20+ (`node` on PATH) to run the JavaScript clients"
    if not (CLIENTS / "node_modules").is_dir():
        return "needs tests/clients/node/node_modules: run scripts/bootstrap (npm ci there)"
    return None


pytestmark = pytest.mark.skipif(_missing() is not None, reason=_missing() or "")


@dataclass
class LiveServer:
    """uvicorn in this process, so a test can see the hub and restart the server on its port."""

    app: Starlette
    server: uvicorn.Server
    task: asyncio.Task[None]
    port: int

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    @property
    def hub(self) -> EventHub:
        hub: EventHub = self.app.state.hub
        return hub

    @classmethod
    async def start(cls, db: Database, settings: Settings, port: int) -> LiveServer:
        app = create_app(settings, db=db)
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        server = uvicorn.Server(config)
        task = asyncio.create_task(server.serve())
        await until(lambda: server.started or task.done(), "the server to start")
        if task.done():
            task.result()
            raise AssertionError("the server stopped while starting")
        return cls(app=app, server=server, task=task, port=port)

    async def stop(self) -> None:
        self.server.should_exit = True
        await asyncio.wait_for(self.task, 15)


async def until(condition: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    """Wait for a condition on the server's own state (checked every 10 ms)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


@dataclass
class NodeScript:
    """One of the scripts in tests/clients/node, read step by step."""

    name: str
    process: asyncio.subprocess.Process
    steps: list[dict[str, Any]] = field(default_factory=list)
    stderr: bytearray = field(default_factory=bytearray)
    lines: asyncio.Queue[bytes] = field(default_factory=asyncio.Queue)
    _readers: list[asyncio.Task[None]] = field(default_factory=list)

    @classmethod
    async def start(cls, name: str, server: LiveServer, token: str = "") -> NodeScript:
        assert NODE is not None
        process = await asyncio.create_subprocess_exec(
            NODE,
            name,
            cwd=CLIENTS,
            env={
                **os.environ,
                "DPGRAPH_HTTP_URL": server.http_url,
                "DPGRAPH_TOKEN": token,
                "NO_COLOR": "1",
            },
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        script = cls(name, process)
        script._readers = [
            asyncio.create_task(script._read_stdout()),
            asyncio.create_task(script._read_stderr()),
        ]
        return script

    async def _read_stdout(self) -> None:
        assert self.process.stdout is not None
        while line := await self.process.stdout.readline():
            self.lines.put_nowait(line)
        self.lines.put_nowait(b"")  # the end

    async def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        while chunk := await self.process.stderr.read(65536):
            self.stderr += chunk

    def _story(self) -> str:
        steps = "\n".join(json.dumps(step) for step in self.steps)
        return f"{self.name} steps so far:\n{steps}\nstderr:\n{self.stderr.decode()}"

    async def next(self, expected: str | None, timeout: float = STEP_TIMEOUT) -> dict[str, Any]:
        """The script's next step, which must be `expected` (any step: None)."""
        try:
            line = await asyncio.wait_for(self.lines.get(), timeout)
        except TimeoutError:
            story = self._story()
            raise AssertionError(f"no step {expected!r} within {timeout}s\n{story}") from None
        if not line:
            await self.process.wait()
            await asyncio.gather(*self._readers)
            raise AssertionError(f"the script ended before {expected!r}\n{self._story()}")
        step: dict[str, Any] = json.loads(line)
        self.steps.append(step)
        if step["step"] == "failed" or expected not in (None, step["step"]):
            raise AssertionError(f"expected step {expected!r}\n{self._story()}")
        return step

    async def say(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{command}\n".encode())
        await self.process.stdin.drain()

    async def when_server_follows(self, server: LiveServer) -> None:
        """Answer the script's `waiting-for-subscriptions`: "go" once the hub has that many."""
        count = (await self.next("waiting-for-subscriptions"))["count"]
        await self._go(server, count)

    async def _go(self, server: LiveServer, count: int) -> None:
        await until(
            lambda: server.hub.subscriptions == count or not self.lines.empty(),
            f"the server to follow {count} subscriptions",
        )
        if not self.lines.empty():  # the script failed (or went on) instead of waiting
            await self.next(None)
            raise AssertionError(f"the script did not wait for the server\n{self._story()}")
        await self.say("go")

    async def finish(self) -> None:
        await self.next("done")
        assert self.process.stdin is not None
        self.process.stdin.close()
        code = await asyncio.wait_for(self.process.wait(), STEP_TIMEOUT)
        assert code == 0, self._story()

    async def close(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
        await self.process.wait()
        await asyncio.gather(*self._readers)


@pytest.fixture
def client_settings(settings: Settings) -> Settings:
    """The test settings; events through Redis when REDIS_URL is set (its own prefix)."""
    return settings.model_copy(
        update={
            "redis_url": REDIS_URL or None,
            "redis_prefix": f"js-{uuid.uuid4().hex[:8]}",
            # graphql-http's audit sends its 61 checks at once, from one address.
            "max_requests_in_flight_per_client": 100,
        }
    )


@pytest.fixture
async def rows(db: Database) -> Database:
    """Category 1, grids 1 and 2, packages 1 to 3 (titles "package N", watchers N * 10)."""
    await build_catalogue(db, packages=3, grids=2, features_per_grid=2)
    return db


@pytest.fixture
async def write_token(db: Database) -> str:
    return (await issue_token(db, name="js-client", scope=Scope.WRITE)).token


@pytest.fixture
async def node_server(rows: Database, client_settings: Settings) -> AsyncIterator[LiveServer]:
    server = await LiveServer.start(rows, client_settings, free_port())
    try:
        yield server
    finally:
        await server.stop()


async def run_script(name: str, server: LiveServer, token: str = "") -> dict[str, Any]:
    """Run a script that needs no driving, to its end: its steps by name."""
    script = await NodeScript.start(name, server, token)
    try:
        while (step := await script.next(None))["step"] != "done":
            if step["step"] == "waiting-for-subscriptions":
                await script._go(server, step["count"])
        assert await asyncio.wait_for(script.process.wait(), STEP_TIMEOUT) == 0, script._story()
        return {step.pop("step"): step for step in script.steps}
    finally:
        await script.close()


def _codes(errors: list[dict[str, Any]]) -> list[str]:
    return [error.get("extensions", {}).get("code") for error in errors]


async def test_apollo_client_queries_errors_mutations_and_a_subscription(
    node_server: LiveServer, write_token: str
) -> None:
    steps = await run_script("apollo.mjs", node_server, write_token)

    query = steps["query"]
    assert "refused" not in query, query
    data = query["result"]["data"]
    assert data["package"] == {
        "__typename": "Package",
        "id": gid("Package", 2),
        "databaseId": 2,
        "title": "package 2",
        "repoWatchers": 20,
    }
    assert len(data["packages"]["edges"]) == 2

    field_error = steps["field-error"]["refused"]
    assert field_error["kind"] == "CombinedGraphQLErrors", field_error
    assert _codes(field_error["errors"]) == ["BAD_USER_INPUT"]

    # Refused before execution (validation): Apollo must still get GraphQL errors, not a
    # body it cannot parse.
    request_error = steps["request-error"]["refused"]
    assert request_error["kind"] == "CombinedGraphQLErrors", request_error
    assert _codes(request_error["errors"]) == ["GRAPHQL_VALIDATION_FAILED"]

    anonymous = steps["mutation-without-token"]["refused"]
    assert anonymous["kind"] == "CombinedGraphQLErrors", anonymous
    assert _codes(anonymous["errors"]) == ["UNAUTHENTICATED"]

    mutation = steps["mutation"]
    assert "refused" not in mutation, mutation
    # Refused before GraphQL runs: still a GraphQL error with a code, which Apollo can read.
    over_get = steps["mutation-over-get"]["refused"]
    assert over_get["kind"] == "CombinedGraphQLErrors", over_get
    assert _codes(over_get["errors"]) == ["METHOD_NOT_ALLOWED"]
    assert mutation["result"]["data"]["updatePackage"] == {
        "__typename": "Package",
        "id": gid("Package", 3),
        "version": 2,
        "title": "via Apollo",
    }
    # HttpLink's multipart subscription saw the change.
    changed = steps["changed"]
    assert "error" not in changed, changed
    assert changed["next"]["data"]["packageChanged"] == {
        "__typename": "Package",
        "id": gid("Package", 3),
        "title": "via Apollo",
        "version": 2,
    }


async def test_graphql_sse_receives_a_change(node_server: LiveServer, write_token: str) -> None:
    steps = await run_script("graphql-sse.mjs", node_server, write_token)
    assert "errors" not in steps["mutated"]["result"], steps["mutated"]
    changed = steps["changed"]["next"]
    assert changed["data"] == {"packageChanged": {"title": "via graphql-sse", "repoWatchers": 10}}
    assert changed["extensions"]["eventId"]
    # The client went away (dispose aborts the request): the server ends the subscription.
    await until(
        lambda: not node_server.hub.subscriptions, "the server to drop the SSE subscription"
    )


async def test_graphql_http_audit_passes_every_check(node_server: LiveServer) -> None:
    audits: list[dict[str, Any]] = (await run_script("audit.mjs", node_server))["audits"]["audits"]
    failing = [audit for audit in audits if audit["status"] != "ok"]
    report = "\n".join(
        f"{audit['status']} {audit['id']} {audit['name']}: {audit['reason']}\n"
        f"    answer: {json.dumps(audit.get('response'))}"
        for audit in failing
    )
    passed = len(audits) - len(failing)
    assert len(audits) == 61, f"graphql-http ran {len(audits)} audits, expected 61"
    assert not failing, f"{passed} of {len(audits)} audits pass; failing:\n{report}"


async def test_graphql_ws_token_mutation_complete_and_resume_after_restart(
    rows: Database, write_token: str, client_settings: Settings
) -> None:
    port = free_port()
    server = await LiveServer.start(rows, client_settings, port)
    script = await NodeScript.start("graphql-ws.mjs", server, write_token)
    try:
        refused = (await script.next("bad-token"))["error"]
        assert refused["closeCode"] == 4403, refused

        await script.when_server_follows(server)  # two subscriptions on one socket
        assert (await script.next("other-completed"))["complete"] is True
        # `complete` reached the server: it ended that operation, the socket's other one lives.
        await script.when_server_follows(server)

        # A mutation over the socket is authorised by the token in connection_init.
        mutated = (await script.next("mutated"))["result"]
        assert mutated == {"data": {"updatePackage": {"version": 2, "title": "via graphql-ws"}}}
        changed = (await script.next("changed"))["next"]
        assert changed["data"] == {
            "packageChanged": {"title": "via graphql-ws", "repoWatchers": 10}
        }
        seen = changed["extensions"]["eventId"]
        assert (await script.next("ready-for-restart"))["lastEventId"] == seen

        await server.stop()
        disconnected = await script.next("disconnected")
        assert disconnected["retries"] == 0, disconnected
        server = await LiveServer.start(rows, client_settings, port)
        await script.say("restarted")
        missed = await script.next("missed-change")
        assert missed["result"] == {
            "data": {"updatePackage": {"version": 3, "title": "missed while away"}}
        }
        assert missed["resumingAfter"] == seen

        resumed = await script.next("resumed")
        assert resumed["connections"] == 2, resumed
        if REDIS_URL:
            # Redis keeps the stream across a server restart: the resume replays the change.
            replayed = resumed["next"]
            assert replayed["data"] == {
                "packageChanged": {"title": "missed while away", "repoWatchers": 10}
            }
            assert replayed["extensions"]["eventId"] != seen
        else:
            # The in-process replay window died with the process: EVENTS_EXPIRED, as
            # documented; the client refetches, then subscribes afresh.
            [error] = resumed["next"]["errors"]
            assert error["extensions"]["code"] == "EVENTS_EXPIRED", error
            assert error["extensions"]["lastEventId"] == seen
            assert (await script.next("resume-ended"))["complete"] is True
            refetched = (await script.next("refetched"))["result"]
            assert refetched == {"data": {"package": {"title": "missed while away"}}}
            await script.when_server_follows(server)
        mutated = (await script.next("mutated-again"))["result"]
        assert mutated == {"data": {"updatePackage": {"version": 4, "title": "live again"}}}
        live_again = (await script.next("live-again"))["next"]
        assert live_again["data"] == {"packageChanged": {"title": "live again", "repoWatchers": 10}}
        await script.finish()
    finally:
        await script.close()
        await server.stop()


async def test_apollo_persisted_queries_send_the_hash_then_the_text_once(
    node_server: LiveServer,
) -> None:
    """Issue 14: Apollo's persisted-query link against the server, as a frontend uses it."""
    steps = await run_script("apq.mjs", node_server)
    assert "failed" not in steps, steps.get("failed")
    first, second = steps["first"], steps["second"]
    assert first["data"] == second["data"]
    assert len(first["data"]["packages"]["nodes"]) == 2
    # The hash alone (unknown), then the text with its hash.
    assert [(s["withText"], s["withHash"]) for s in first["sent"]] == [(False, True), (True, True)]
    # A new client: the hash alone is enough, over GET.
    assert second["sent"] == [{"method": "GET", "withText": False, "withHash": True}]


def test_the_relay_artifacts_are_what_relay_compiler_writes():
    """relay.mjs runs the documents relay-compiler wrote from relay/PackagePage.js against
    the committed schema.graphql: `--validate` fails if a document, the schema or the
    compiler's version changed and the artifacts were not written again (run
    `node node_modules/relay-compiler/cli.js` in tests/clients/node)."""
    compiler = CLIENTS / "node_modules" / "relay-compiler" / "cli.js"
    assert NODE is not None
    checked = subprocess.run(
        [NODE, str(compiler), "--validate"], cwd=CLIENTS, capture_output=True, text=True, timeout=60
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


async def test_relay_runtime_query_mutation_and_subscription(
    node_server: LiveServer, write_token: str
) -> None:
    steps = await run_script("relay.mjs", node_server, write_token)

    query = steps["query"]
    text = query["operationText"]
    # What relay-compiler sends: named fragments, the ids it adds, __typename on a union.
    assert "fragment PackagePage_package on Package" in text
    assert "__typename" in text and "__isNode: __typename" in text
    assert query["package"] == {
        "databaseId": 2,
        "title": "package 2",
        "repoWatchers": 20,
        "category": {"title": "Category 1"},
    }
    assert query["grids"]
    assert all(grid["slug"] and grid["title"] for grid in query["grids"])
    assert [node["slug"] for node in query["packages"]] == ["package-1", "package-2"]
    assert {result.get("slug") for result in query["search"]} >= {"package-1"}

    mutation = steps["mutation"]
    assert mutation["errors"] is None, mutation
    assert mutation["version"] == 2
    assert mutation["package"]["title"] == "via Relay"
    changed = steps["changed"]["next"]
    assert changed["title"] == "via Relay"
    assert changed["databaseId"] == 1


URQL_ACCEPT = (
    "application/graphql-response+json, application/graphql+json, application/json, "
    "text/event-stream, multipart/mixed"
)


async def test_urql_with_its_document_cache_and_with_graphcache(
    node_server: LiveServer, write_token: str
) -> None:
    """urql on its defaults failed every query with `[Network] No Content`: its GET queries
    list text/event-stream and were answered as a CRLF-framed stream it cannot split."""
    steps = await run_script("urql.mjs", node_server, write_token)
    for name, database_id in (("document-cache", 1), ("graphcache", 2)):
        query = steps[f"{name}:query"]
        assert "error" not in query, query
        package = query["data"]["package"]
        assert package["__typename"] == "Package"
        assert (package["databaseId"], package["title"]) == (database_id, f"package {database_id}")
        assert package["grids"] and all(grid["slug"] for grid in package["grids"])
        assert len(query["data"]["packages"]["nodes"]) == 2

        mutation = steps[f"{name}:mutation"]
        assert "error" not in mutation, mutation
        assert mutation["data"]["updatePackage"]["version"] == 2
        changed = steps[f"{name}:changed"]
        assert "error" not in changed, changed
        title = f"via urql {name}"
        assert changed["data"]["packageChanged"]["title"] == title
        # The cache saw the change: the document cache refetched, Graphcache updated the record.
        assert steps[f"{name}:query-again"]["data"]["package"]["title"] == title

        sent = steps[f"{name}:requests"]["sent"]
        by_operation = {(s["operation"], s["method"], s["answer"]) for s in sent}
        assert ("PackagePage", "GET", "application/graphql-response+json") in by_operation, sent
        assert ("Rename", "POST", "application/graphql-response+json") in by_operation, sent
        assert ("Watch", "POST", "text/event-stream") in by_operation, sent
        assert all(s["status"] == 200 for s in sent), sent
        queries = [s for s in sent if s["operation"] == "PackagePage"]
        assert all(s["accept"] == URQL_ACCEPT for s in queries), queries


async def test_the_subscription_benchmarks_node_client_reports_every_push(
    node_server: LiveServer, write_token: str
) -> None:
    """scripts/own_subscribers.mjs (bench_subscriptions.py --node-clients) speaks the protocol
    the Python client does and reports each push as that one does: its figures are only as
    good as this."""
    from scripts.bench_subscriptions import NODE_CLIENT, OWN_SUBSCRIPTION
    from writes.packages import update_package
    from writes.unit import Actor, open_unit

    assert NODE is not None
    ws_url = node_server.http_url.replace("http://", "ws://")
    process = await asyncio.create_subprocess_exec(
        NODE,
        str(NODE_CLIENT),
        ws_url,
        OWN_SUBSCRIPTION,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    watched = [[["package-1", "package-2"], write_token], [["package-2"], None]]
    process.stdin.write(f"{json.dumps(watched)}\n".encode())
    await process.stdin.drain()
    try:
        ready = await asyncio.wait_for(process.stdout.readline(), STEP_TIMEOUT)
        assert ready == b"ready\n"
        hub = node_server.hub
        await until(lambda: hub.subscriptions == 2, "both subscriptions to be set up")
        for package_id, watchers in ((1, 11), (2, 21)):  # as the benchmark's writer does
            async with open_unit(hub.db, actor=Actor("bench"), publish=hub.publish) as unit:
                row = await unit.session.get(models.Package, package_id)
                assert row is not None
                await update_package(
                    unit,
                    package_id=package_id,
                    expected_version=row.version,
                    values={"repo_watchers": watchers},
                )
        process.stdin.write(b"3")
        process.stdin.close()
        report = json.loads(await asyncio.wait_for(process.stdout.readline(), STEP_TIMEOUT))
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()
    assert (report["received"], report["errors"]) == (3, 0)
    pushes = sorted((slug, watchers) for slug, watchers, _ in report["pushes"])
    assert pushes == [("package-1", 11), ("package-2", 21), ("package-2", 21)]
    assert len(report["latencies"]) == 3

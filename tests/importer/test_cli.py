"""`python -m server import ...` end to end: a temp SQLite database, exit codes, the summary."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

import importer.client
from events.redis import START, RedisBroker
from importer.client import build_http
from server.commands.cli import main
from tests.conftest import SEEDS_DIR
from tests.importer.fake_api import BASE, FakeAPI, seed_packages


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    """Run the CLI against a fresh SQLite file; returns (exit code, stdout, stderr)."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.chdir(tmp_path)  # no stray .env is read

    def run(*arguments: str) -> tuple[int, str, str]:
        code = main(["import", *arguments, "--progress", "log"])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return code, out, err

    return run


def row(output: str, name: str) -> list[str]:
    """A line of the summary table, as its cells: ["packages", "5", "0", "0", "0", "0"]."""
    return next(line.split() for line in output.splitlines() if line.split()[:1] == [name])


def test_importing_the_seeds_twice(cli):
    code, out, _ = cli(str(SEEDS_DIR))
    assert code == 0
    assert out.split("\n", 3)[2].split() == [
        *("type", "created", "updated", "unchanged", "failed", "placeholders"),
    ]
    assert row(out, "categories") == ["categories", "2", "0", "0", "0", "0"]
    # The seeds name eight grids by URL only: made as ids, counted, and said so.
    assert row(out, "grids") == ["grids", "0", "0", "0", "0", "8"]
    assert row(out, "packages") == ["packages", "5", "0", "0", "0", "0"]
    assert "8 grids or categories are known only by the id a package gives" in out
    code, out, _ = cli(str(SEEDS_DIR))
    assert code == 0
    assert row(out, "grids") == ["grids", "0", "0", "0", "0", "0"]
    assert row(out, "packages") == ["packages", "0", "0", "5", "0", "0"]
    assert "7 records were already up to date: nothing written for them." in out


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a Redis server)")
def test_with_redis_the_import_tells_running_servers_what_it_changed(cli, monkeypatch):
    redis_url = os.environ["REDIS_URL"]
    prefix = f"import-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("REDIS_PREFIX", prefix)
    code, _, _ = cli(str(SEEDS_DIR))
    assert code == 0

    async def published() -> list[tuple[str, int]]:
        broker = RedisBroker(redis_url, prefix=prefix)
        try:
            return [(event.object.type, event.object.id) for event in await broker.replay(START)]
        finally:
            await broker.close()

    seeds = {package["id"] for package in seed_packages()}
    assert len(seeds) == 5
    objects = asyncio.run(published())
    assert {key for type_, key in objects if type_ == "Package"} == seeds


def test_the_import_command_starts_without_the_graphql_machinery():
    """A process that only writes and publishes loads no Strawberry, hub or loaders: a
    quarter of its start-up, paid by every import a running server waits on. Nor an HTTP
    client until it crawls a URL."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, importer.command; print(*sorted(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    ).stdout.split()
    machinery = {"strawberry", "loaders", "httpx"}
    assert [name for name in loaded if name.split(".")[0] in machinery] == []
    assert "events.hub" not in loaded


def test_a_missing_file_is_one_line_and_exit_2(cli):
    code, out, err = cli(str(SEEDS_DIR), "missing.json")
    assert code == 2
    assert err == "dpgraph import: missing.json: no such file or directory\n"
    assert out == ""


def test_a_malformed_record_is_listed_and_exit_1(cli, tmp_path):
    good, bad = seed_packages()[:2]
    bad["repo_watchers"] = "many"
    path = tmp_path / "two.json"
    path.write_text(json.dumps([good, bad]), encoding="utf-8")
    code, out, _ = cli(str(path))
    assert code == 1
    assert row(out, "packages") == ["packages", "1", "0", "0", "1", "0"]
    assert (
        f"{path}[1]: package 1327: repo_watchers: expected an integer, got 'many'"
        in out.replace("\n", "")
    )


def test_only_bad_records_is_nothing_imported_and_exit_2(cli, tmp_path):
    bad = seed_packages()[0]
    bad["repo_watchers"] = "many"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([bad]), encoding="utf-8")
    code, out, _ = cli(str(path))
    assert code == 2
    assert row(out, "packages") == ["packages", "0", "0", "0", "1", "0"]


def test_an_unreachable_url_is_reported_without_a_traceback_and_exit_2(cli):
    """Nothing imported, as the README says of an unreachable source (issue 23: was 1)."""
    with socket.socket() as probe:  # a local port nobody listens on: refused at once
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, out, _ = cli(f"http://127.0.0.1:{port}/api/v4/", "--retries", "0")
    assert code == 2
    assert "unread sources (1):" in out
    assert f"http://127.0.0.1:{port}/api/v4/categories/?limit=100&offset=0: ConnectError" in out


def test_the_live_api_through_the_cli(cli, monkeypatch):
    api = FakeAPI()

    def fake_http(*, timeout: float, transport: httpx.AsyncBaseTransport | None = None) -> Any:
        return build_http(timeout=timeout, transport=api.transport)

    monkeypatch.setattr(importer.client, "build_http", fake_http)
    code, out, _ = cli(BASE, "--rate", "0", "--page-size", "2")
    assert code == 0
    assert row(out, "categories") == ["categories", "2", "0", "0", "0", "0"]
    assert row(out, "grids") == ["grids", "8", "0", "0", "0", "0"]
    assert row(out, "packages") == ["packages", "5", "0", "0", "0", "0"]
    assert "HTTP requests" in out


def test_bad_option_values_are_refused(cli, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["import", str(SEEDS_DIR), "--batch-size", "0"])
    assert exited.value.code == 2
    assert "must be greater than 0, got '0'" in capsys.readouterr().err

"""A fresh machine: `python -m server` creates the SQLite file, loads the demo data, serves."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"server not up after {timeout}s")


def test_fresh_start_on_embedded_sqlite(tmp_path: Path) -> None:
    database = tmp_path / "fresh" / "dpgraph.db"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{database}"
    env["LOG_LEVEL"] = "warning"
    process = subprocess.Popen(
        [sys.executable, "-m", "server", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/healthz", process)
        assert database.exists()
        query = (
            '{ package(slug: "django-shop") { title repoWatchers category { id } '
            "grids { id } participants(first: 3) { login } } }"
        )
        response = httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": query}, timeout=5)
        assert response.json()["data"]["package"] == {
            "title": "django SHOP",
            "repoWatchers": 3310,
            "category": {"id": 2},
            "grids": [{"id": 41}, {"id": 287}],
            "participants": [
                {"login": "jrief"},
                {"login": "rfleschenberg"},
                {"login": "chrisglass"},
            ],
        }
        page = httpx.get(f"http://127.0.0.1:{port}/graphql", headers={"accept": "text/html"})
        assert "graphiql" in page.text.lower()
    finally:
        process.terminate()
        output = process.communicate(timeout=15)[0].decode()
    assert "Traceback" not in output, output

"""A fresh machine: `python -m server` creates the SQLite file, loads the demo data, serves."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.server_process import running_server

README_QUERY = (
    '{ package(slug: "django-shop") { title repoWatchers category { databaseId } '
    "grids { databaseId } participants(first: 3) { nodes { login } } } }"
)


def test_fresh_start_on_embedded_sqlite(tmp_path: Path) -> None:
    database = tmp_path / "fresh" / "dpgraph.db"
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{database}"}
    with running_server(tmp_path, env) as server:
        assert database.exists()
        response = httpx.post(f"{server.url}/graphql", json={"query": README_QUERY}, timeout=5)
        assert response.json()["data"]["package"] == {
            "title": "django SHOP",
            "repoWatchers": 3310,
            "category": {"databaseId": 2},
            "grids": [{"databaseId": 41}, {"databaseId": 287}],
            "participants": {
                "nodes": [{"login": "jrief"}, {"login": "rfleschenberg"}, {"login": "chrisglass"}]
            },
        }
    assert "Traceback" not in server.output, server.output


COUNTS = (
    "{ packages { totalCount } real: packages(filter: { categoryIds: [1, 2] }) { totalCount } "
    'synthetic: packages(filter: { search: "synthetic-" }) { totalCount } }'
)


def _counts(url: str) -> dict[str, int]:
    data = httpx.post(f"{url}/graphql", json={"query": COUNTS}, timeout=5).json()["data"]
    return {name: value["totalCount"] for name, value in data.items()}


def test_restart_keeps_data_and_does_not_reload_demo(tmp_path: Path) -> None:
    env = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}",
        "DEMO_SYNTHETIC_PACKAGES": "20",
    }
    for _ in range(2):
        with running_server(tmp_path, env) as server:
            assert _counts(server.url) == {"packages": 25, "real": 5, "synthetic": 20}


def test_the_synthetic_catalogue_can_be_turned_off(tmp_path: Path) -> None:
    env = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}",
        "DEMO_SYNTHETIC_PACKAGES": "0",
    }
    with running_server(tmp_path, env) as server:
        assert _counts(server.url) == {"packages": 5, "real": 5, "synthetic": 0}

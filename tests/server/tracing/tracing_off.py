"""Run by test_off.py in a fresh interpreter: serve a few requests with no OTEL_*
variable set (`installed`), or with OpenTelemetry unimportable and traces asked for
(`absent`), and print what happened as JSON."""

from __future__ import annotations

import asyncio
import json
import sys
from importlib.abc import MetaPathFinder
from typing import Any

MODE, DATABASE = sys.argv[1], sys.argv[2]


class WithoutOpenTelemetry(MetaPathFinder):
    """As if the `otel` extra had never been installed."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name.split(".")[0] == "opentelemetry":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)


if MODE == "absent":
    sys.meta_path.insert(0, WithoutOpenTelemetry())

import httpx  # noqa: E402

import core.tracing  # noqa: E402
from core.settings import Settings  # noqa: E402
from server.app import create_app  # noqa: E402

DOCUMENTS = [
    "{ packages(first: 2) { nodes { slug category { title } } } }",  # compiled
    "query { ...F } fragment F on Query { packages(first: 2) { nodes { slug } } }",  # reference
    "{ nope }",  # refused
]


async def main() -> None:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{DATABASE}",
        demo_synthetic_packages=0,
        webhooks=False,
        _env_file=None,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            before = set(sys.modules)
            statuses = []
            for document in DOCUMENTS:
                response = await http.post("/graphql", json={"query": document})
                statuses.append(response.status_code)
            statuses.append((await http.get("/api/v4/packages/?limit=1")).status_code)
            imported = sorted(set(sys.modules) - before)
    print(
        json.dumps(
            {
                "statuses": statuses,
                "imported_by_requests": [m for m in imported if "opentelemetry" in m],
                "tracing_modules": sorted(
                    m for m in sys.modules if m.startswith("server.observability.tracing")
                ),
                "app_tracing": app.state.tracing is not None,
                "hooks_installed": core.tracing.installed() is not None,
                "middleware": [getattr(m.cls, "__name__", "?") for m in app.user_middleware],
            }
        )
    )


asyncio.run(main())

#!/usr/bin/env python
"""What tracing costs a request: W1 (a package page) and W4 (`{ __typename }`, the fixed
cost) of benchmarks/workloads.py (or any workload, the client-shaped W1C-W3C included),
sent in-process straight to the ASGI app (no socket, no client: only the server's own
work is timed), with tracing off and on.

    .venv/bin/python benchmarks/tracing.py [--requests 2000] [--rounds 7] \
        [--modes off,on] [--database-url URL]

Off is what every server runs when no OTEL_* variable asks for traces. On records every
span (the request, the plan, each statement) into the SDK's batch processor, whose
exporter here drops them: the cost on the request path (encoding and sending are the
exporter thread's). The database is a fresh SQLite file with the demo catalogue, or
`--database-url` (the catalogue benchmarks/run.py loaded). Prints, per workload and
mode, the CPU microseconds this process spent per request (all its threads), the best
round's and the median round's: CPU time, not the wall clock, so that other processes on
a busy machine disturb the figures little. Run it from another checkout (`--modes off`) to
compare commits.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy.exc import SQLAlchemyError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.workloads import CLIENT_WORKLOADS, WORKLOADS, choose, choose_clients  # noqa: E402
from core.db import Database  # noqa: E402
from core.settings import Settings  # noqa: E402
from server.app import create_app  # noqa: E402

Scope = dict[str, Any]


def post_scope(body: bytes) -> Scope:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"bench"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def _one(app: Any, body: bytes) -> int:
    """One request; its status. The body arrives at once, the client never leaves."""
    sent = False
    never: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await never
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(post_scope(body), receive, send)
    never.cancel()
    return status


async def _rounds(app: Any, body: bytes, requests: int, rounds: int) -> list[float]:
    """CPU microseconds per request of each round, after a warm-up round: the process's
    CPU time (every thread's: the span processor's too), which other processes on a busy
    machine disturb far less than the wall clock."""
    for _ in range(min(requests, 200)):
        assert await _one(app, body) == 200
    per_request = []
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(requests):
            await _one(app, body)
        per_request.append((time.process_time() - started) / requests * 1e6)
    return per_request


def in_process_settings(url: str, load_demo_data: bool = False) -> Settings:
    """The server's settings for requests sent in-process by one client: its budgets are
    charged (part of the cost) but never refuse it."""
    return Settings(
        database_url=url,
        load_demo_data=load_demo_data,
        rate_limit_points=1_000_000_000,
        max_requests_in_flight_per_client=0,
        webhooks=False,
        _env_file=None,
    )


def _provider() -> Any:
    from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
    from opentelemetry.sdk.trace.export import (
        BatchSpanProcessor,
        SpanExporter,
        SpanExportResult,
    )

    class Dropped(SpanExporter):
        def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
            return SpanExportResult.SUCCESS

    provider = TracerProvider(shutdown_on_exit=False)
    provider.add_span_processor(BatchSpanProcessor(Dropped()))
    return provider


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url or f"sqlite+aiosqlite:///{scratch}/bench.db"
        settings = in_process_settings(url, load_demo_data=args.database_url is None)
        database = Database.from_settings(settings)
        async with database.engine.connect() as connection:
            ready = False
            try:
                chosen = await choose(connection) | await choose_clients(connection)
                ready = True
            except (LookupError, SQLAlchemyError):  # empty: the app's start-up loads the demo
                chosen = {}
        print(f"database: {url.split('@')[-1]}, {args.requests} requests x {args.rounds} rounds")
        print("| workload | tracing | best CPU us/request | median CPU us/request |")
        print("|---|---|--:|--:|")
        for mode in args.modes.split(","):
            options = {"tracer_provider": _provider()} if mode == "on" else {}
            app = create_app(settings, db=database, **options)
            async with app.router.lifespan_context(app):
                if not ready:
                    async with database.engine.connect() as connection:
                        chosen = await choose(connection) | await choose_clients(connection)
                        ready = True
                for name in args.workloads.split(","):
                    workload = chosen.get(name, (WORKLOADS | CLIENT_WORKLOADS)[name])
                    body = orjson.dumps(workload.body())
                    rounds = await _rounds(app, body, args.requests, args.rounds)
                    print(
                        f"| {name} | {mode} | {min(rounds):.1f} | {statistics.median(rounds):.1f} |"
                    )
        await database.dispose()


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="per round (2000)")
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds (7)")
    parser.add_argument(
        "--workloads", default="W1,W4", help="comma-separated, W1C-W3C included (W1,W4)"
    )
    parser.add_argument("--modes", default="off,on", help="off, on or both (off,on)")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    return parser.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse_arguments()))

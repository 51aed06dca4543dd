#!/usr/bin/env python
"""Instructions the server executes per request, counted by valgrind (callgrind): a
figure that other processes on a busy machine do not move, unlike CPU time, so two
commits compare on a shared machine within about 1 %.

    .venv/bin/python benchmarks/instructions.py [--workloads W1,W4] \
        [--requests 100,400] --database-url postgresql+asyncpg://...

Each workload runs twice in a fresh process under `valgrind --tool=callgrind`, sending
the two counts of requests in-process to the ASGI app as benchmarks/tracing.py does
(tracing off), after 50 unmeasured ones; the difference of the two totals over the
difference of the counts is the cost of one request, start-up and imports cancelled out.
PostgreSQL's own work is another process's and is not counted; asyncpg's is. Needs
Debian's `valgrind`; each run takes a minute or two.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python benchmarks/instructions.py` puts benchmarks/ first
    sys.path.insert(0, str(ROOT))

WARM_UP = 50
_COLLECTED = re.compile(r"Collected : (\d+)")


async def send(workload: str, requests: int, database_url: str) -> None:
    """The inner run: the app on `database_url`, `requests` requests of `workload`."""
    import orjson

    from benchmarks.tracing import _one, in_process_settings
    from benchmarks.workloads import CLIENT_WORKLOADS, WORKLOADS, choose, choose_clients
    from core.db import Database
    from server.app import create_app

    settings = in_process_settings(database_url)
    database = Database.from_settings(settings)
    async with database.engine.connect() as connection:
        chosen = await choose(connection) | await choose_clients(connection)
    app = create_app(settings, db=database)
    async with app.router.lifespan_context(app):
        body = orjson.dumps(chosen.get(workload, (WORKLOADS | CLIENT_WORKLOADS)[workload]).body())
        for _ in range(WARM_UP + requests):
            assert await _one(app, body) == 200
    await database.dispose()


def counted(workload: str, requests: int, database_url: str) -> int:
    """Instructions of one inner run, start-up included."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    command += [sys.executable, __file__, "--inner", str(requests)]
    command += ["--workloads", workload, "--database-url", database_url]
    env = os.environ | {"PYTHONHASHSEED": "0"}  # the same dict layouts in every run
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    found = _COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"instructions.py: the run failed:\n{done.stderr[-3000:]}")
    return int(found.group(1))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workloads", default="W1,W4", help="comma-separated (W1,W4)")
    parser.add_argument("--requests", default="100,400", help="the two counts (100,400)")
    parser.add_argument("--database-url", required=True, help="the catalogue run.py loaded")
    parser.add_argument("--inner", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inner is not None:
        asyncio.run(send(args.workloads, args.inner, args.database_url))
        return
    fewer, more = (int(count) for count in args.requests.split(","))
    print("| workload | instructions per request |")
    print("|---|--:|")
    for workload in args.workloads.split(","):
        difference = counted(workload, more, args.database_url) - counted(
            workload, fewer, args.database_url
        )
        print(f"| {workload} | {difference // (more - fewer):,} |", flush=True)


if __name__ == "__main__":
    main()

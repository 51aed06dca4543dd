#!/usr/bin/env python
"""Can one client starve the others? Another client's latency while one attacks.

    .venv/bin/python benchmarks/starvation.py [--code DIR] [--header-mb 50]

Starts a real server process (`python -m server`, production defaults, demo data) on
SQLite, or on PostgreSQL when DATABASE_URL names one, and runs each attack of issue 22
from one loopback address while a bystander, from another, asks `{ __typename }` every
10 ms. Prints the bystander's p50, p99 and slowest answer, its failed answers, how the
attack was answered, and the server's peak RSS.

`--code DIR` runs the server from another checkout of dpgraph (e.g. `git archive main`
unpacked in a directory) to measure the same attacks before a change.

Bounded: 20 heads, 2,100 sockets held 3 s, 40 searches; traffic to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.attacks import Bystander, attacker_address, bystander  # noqa: E402
from tests.server_process import RunningServer, running_server  # noqa: E402
from tests.starvation import (  # noqa: E402
    huge_heads,
    idle_sockets,
    long_searches,
    rss_bytes,
    search_clients,
)

HOLD_SECONDS = 3.0
"""How long the idle sockets are held while the bystander asks."""


def _peak_rss(pid: int, stop: threading.Event, peak: list[int]) -> None:
    while not stop.is_set():
        peak[0] = max(peak[0], rss_bytes(pid))
        stop.wait(0.05)


def _summary(answers: list[Any]) -> str:
    """How the attack was answered: counts of status and code."""
    counts: Counter[str] = Counter()
    for answer in answers:
        if isinstance(answer, httpx.Response):
            try:
                errors = answer.json().get("errors") or []
            except ValueError:
                errors = [{"extensions": {"code": "(not JSON)"}}]
            code = errors[0].get("extensions", {}).get("code") if errors else "data"
            counts[f"{answer.status_code} {code}"] += 1
        else:
            counts[str(answer.status or "closed")] += 1
    return ", ".join(f"{n} x {what}" for what, n in counts.most_common()) or "-"


def _row(name: str, server: RunningServer, attack: Callable[[], list[Any]]) -> None:
    stop, peak = threading.Event(), [rss_bytes(server.process.pid)]
    watcher = threading.Thread(target=_peak_rss, args=(server.process.pid, stop, peak))
    watcher.start()
    seen: Bystander
    with bystander(server.url) as seen:
        started = time.perf_counter()
        answers = attack()
        took = time.perf_counter() - started
    stop.set()
    watcher.join()
    times = sorted(seen.times) or [0.0]
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(
        f"| {name} | {statistics.median(times) * 1000:.1f} | {p99 * 1000:.1f} | "
        f"{times[-1] * 1000:.0f} | {len(seen.failures)} of {len(seen.times)} | "
        f"{_summary(answers)} in {took:.2f} s | {peak[0] / 2**20:.0f} |"
    )


def _quiet(server: RunningServer) -> list[Any]:
    time.sleep(HOLD_SECONDS)
    return []


def _held_sockets(server: RunningServer) -> list[Any]:
    greedy = attacker_address()
    with idle_sockets(server.url, greedy, 2100):
        time.sleep(HOLD_SECONDS)
        with httpx.Client(
            base_url=server.url, transport=httpx.HTTPTransport(local_address=greedy)
        ) as client:
            return [client.post("/graphql", json={"query": "{ __typename }"})]


def run(code: Path, header_mb: int) -> None:
    url = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory() as workdir:
        if not url.startswith("postgresql"):
            url = f"sqlite+aiosqlite:///{workdir}/starvation.db"
        env = {"DATABASE_URL": url, "PYTHONPATH": str(code), "PYTHONDONTWRITEBYTECODE": "1"}
        with running_server(Path(workdir), env) as server:
            print(f"## Starvation: code {code}, database {url.split(':')[0]}\n")
            print(
                "| attack (one address) | bystander p50 ms | p99 ms | slowest ms | "
                "bystander failures | attack answered | peak RSS MiB |"
            )
            print("|---|--:|--:|--:|--:|---|--:|")
            _row("none (3 s)", server, lambda: _quiet(server))
            _row(
                f"20 heads of {header_mb} MB at once",
                server,
                lambda: huge_heads(server.url, attacker_address(), size=header_mb * 2**20),
            )
            _row("2,100 idle sockets held 3 s", server, lambda: _held_sockets(server))
            with search_clients(server.url, attacker_address()) as clients:
                _row(
                    "40 searches of 20,000 characters at once",
                    server,
                    lambda: long_searches(clients),
                )
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout to serve (this one)")
    parser.add_argument("--header-mb", type=int, default=50, help="size of each huge header")
    args = parser.parse_args()
    run(args.code.resolve(), args.header_mb)


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""What the public-internet protections cost, and how attacks are answered.

    .venv/bin/python benchmarks/protection.py [--rounds 200]

1. Validation cost: the median time to check each query document of the test suite
   (parse, size limits, validation, query cost) against graphql-core's validation
   alone, every document new (no cache), and cached (what repeated requests pay).
2. Attacks on a real server process (`python -m server`, SQLite, demo data, production
   defaults): each attack's answer, its time, and the slowest `/healthz` answer while it
   ran (a liveness probe every 10 ms).
3. A frozen Redis: what requests and `/readyz` take while it accepts and never answers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from graphql import parse, specified_rules, validate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.settings import Settings  # noqa: E402
from execution import build_schema  # noqa: E402
from schema.cost import query_cost  # noqa: E402
from schema.documents import DOCUMENTS, parsed, validated  # noqa: E402
from schema.limits import DEFAULTS, refusal  # noqa: E402
from tests.attacks import ATTACKS, answer_code, encoded, frozen_tcp_server  # noqa: E402
from tests.fastpath.documents import suite_documents  # noqa: E402
from tests.server_process import running_server  # noqa: E402


def _median_us(run: Callable[[], Any], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e6


def validation_cost(rounds: int) -> None:
    schema = build_schema()
    graphql_schema = schema._schema
    settings = Settings(_env_file=None)
    documents = suite_documents()

    def core_only(text: str) -> Callable[[], Any]:
        return lambda: validate(graphql_schema, parse(text), specified_rules)

    def ours(text: str) -> Callable[[], Any]:
        def run() -> None:
            DOCUMENTS.clear()
            entry = parsed(text)
            assert not isinstance(entry, Exception)
            if refusal(entry.size, DEFAULTS) is None:
                validated(schema, entry, settings)
                query_cost(graphql_schema, entry.document, None, None)

        return run

    def ours_cached(text: str) -> Callable[[], Any]:
        def run() -> None:
            entry = parsed(text)
            assert not isinstance(entry, Exception)
            refusal(entry.size, DEFAULTS)
            validated(schema, entry, settings)

        return run

    per_document = [
        (
            _median_us(core_only(t), rounds),
            _median_us(ours(t), rounds),
            _median_us(ours_cached(t), rounds),
        )
        for t in documents
    ]
    core, new, cached = (statistics.median(column) for column in zip(*per_document, strict=True))
    print(f"## Validation, {len(documents)} query documents of the test suite ({rounds} rounds)\n")
    print("| check | median per document |\n|---|--:|")
    print(f"| graphql-core parse + validate (no limits, no cost) | {core:,.0f} us |")
    print(f"| ours, new document: parse + limits + validate + cost | {new:,.0f} us |")
    print(f"| ours, cached document (every later request) | {cached:,.1f} us |\n")


def _probe(url: str, ready: threading.Event, stop: threading.Event, times: list[float]) -> None:
    """Probe until stopped; `ready` once warm, and `times` from then on."""
    with httpx.Client(timeout=30) as client:
        client.get(url)
        ready.set()
        while not stop.is_set():
            started = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - started)
            stop.wait(0.005)


def attacks() -> None:
    print("## Attacks on one server process (production defaults, SQLite, demo data)\n")
    print(
        "| attack | before | now: status, code | answered in | slowest /healthz meanwhile "
        "(probes) |"
    )
    print("|---|---|---|--:|--:|")
    with tempfile.TemporaryDirectory() as workdir:
        env = {
            "DATABASE_URL": f"sqlite+aiosqlite:///{workdir}/attacks.db",
            "RATE_LIMIT_POINTS": "0",
        }
        with running_server(Path(workdir), env) as server, httpx.Client(timeout=60) as client:
            client.post(f"{server.url}/graphql", json={"query": "{ __typename }"})
            for attack in ATTACKS:
                ready, stop = threading.Event(), threading.Event()
                probes: list[float] = []
                probe = threading.Thread(
                    target=_probe, args=(f"{server.url}/healthz", ready, stop, probes)
                )
                probe.start()
                ready.wait()
                request = encoded(attack.request)  # encoded before the clock starts
                started = time.perf_counter()
                response = client.request(attack.method, f"{server.url}{attack.path}", **request)
                took = time.perf_counter() - started
                stop.set()
                probe.join()
                print(
                    f"| {attack.name} | {attack.before} | {response.status_code} "
                    f"{answer_code(response)} | {took * 1000:,.0f} ms | "
                    f"{max(probes, default=0) * 1000:,.1f} ms ({len(probes)}) |"
                )
    print()


def rate_limit_flood() -> None:
    """The default budget (1,000 points a minute per address) against 1,100 small requests."""
    with tempfile.TemporaryDirectory() as workdir:
        env = {"DATABASE_URL": f"sqlite+aiosqlite:///{workdir}/flood.db"}
        with running_server(Path(workdir), env) as server, httpx.Client(timeout=30) as client:
            statuses = [
                client.post(f"{server.url}/graphql", json={"query": "{ __typename }"}).status_code
                for _ in range(1_100)
            ]
    first_refused = statuses.index(429) + 1 if 429 in statuses else None
    print("## Rate limit (defaults)\n")
    print(
        f"1,100 `{{ __typename }}` requests from one address: {statuses.count(200):,} answered, "
        f"{statuses.count(429):,} refused with 429 (first at request {first_refused}).\n"
    )


def frozen_redis(requests: int = 20) -> None:
    """A Redis that accepts connections and never answers, behind one server process."""
    with tempfile.TemporaryDirectory() as workdir, frozen_tcp_server() as port:
        env = {
            "DATABASE_URL": f"sqlite+aiosqlite:///{workdir}/frozen.db",
            "REDIS_URL": f"redis://127.0.0.1:{port}/0",
        }
        with running_server(Path(workdir), env) as server, httpx.Client(timeout=60) as client:
            times = []
            for _ in range(requests):
                started = time.perf_counter()
                client.post(f"{server.url}/graphql", json={"query": "{ __typename }"})
                times.append(time.perf_counter() - started)
            ready = client.get(f"{server.url}/readyz")
    print("## A frozen Redis (accepts, never answers)\n")
    print("| | before (issue 22) | now |")
    print("|---|---|--:|")
    print(f"| slowest of {requests} requests | 2 s more each | {max(times) * 1000:,.0f} ms |")
    print(f"| median request | 2 s more each | {statistics.median(times) * 1000:,.1f} ms |")
    print(
        f"| `/readyz` | 200, redis ok | {ready.status_code}, redis {ready.json()['redis']}, "
        f"{ready.elapsed.total_seconds() * 1000:,.0f} ms |\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=200, help="timings per document (200)")
    args = parser.parse_args()
    os.environ.pop("DATABASE_URL", None)
    validation_cost(args.rounds)
    attacks()
    rate_limit_flood()
    frozen_redis()


if __name__ == "__main__":
    main()

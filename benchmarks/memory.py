#!/usr/bin/env python
"""What the server's memory does under the loads of issue 22, in RSS of a real process.

    .venv/bin/python benchmarks/memory.py [--results 10000] [--documents 1100]
        [--persisted 2100] [--database-url URL --redis-url URL] [--only subscriber,floods]

1. A long-running subscriber (tests/long_subscriber.py): one subscription to the packages
   of a synthetic category (35 packages); each category rename is one event and one
   result per package. RSS at the start, every 1,000 results and at the end, over
   WebSocket and SSE.
2. Cache floods, rate limits off so that every document is parsed: `--documents`
   distinct valid documents of 33 KB (1,000 fields in 14.5 KB, then a comment), then
   `--persisted` distinct automatic persisted queries of 900 KB (a small query and a
   long comment), each registered with its text. RSS every tenth of the way, the peak.

Each part starts its own server (`python -m server`, production defaults otherwise).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.long_subscriber import ENV, follow, rss_mb, write_token  # noqa: E402
from tests.server_process import running_server  # noqa: E402

FIELDS = " ".join(["repoDescription repoWatchers"] * 500)  # 1,000 fields, 14.5 KB


def _env(args: argparse.Namespace, workdir: Path) -> dict[str, str]:
    if args.database_url:
        env = {"DATABASE_URL": args.database_url}
        if args.redis_url:
            env["REDIS_URL"] = args.redis_url
            env["REDIS_PREFIX"] = f"bench-memory-{os.getpid()}"
        return env
    return {"DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'memory.db'}"}


def subscriber(args: argparse.Namespace) -> None:
    for transport in ("websocket", "sse"):
        with tempfile.TemporaryDirectory() as directory:
            workdir = Path(directory)
            env = {**ENV, **_env(args, workdir)}
            with running_server(workdir, env) as server:
                token = write_token(workdir, {**os.environ, "PYTHONPATH": str(ROOT), **env})
                start = rss_mb(server.process.pid)
                started = time.monotonic()
                samples = asyncio.run(
                    follow(
                        server.url,
                        pid=server.process.pid,
                        token=token,
                        transport=transport,
                        results=args.results,
                        every=1000,
                    )
                )
                seconds = time.monotonic() - started
            figures = ", ".join(f"{n:,}: {rss:.0f}" for n, rss in samples)
            print(
                f"subscriber over {transport}: RSS MB at start {start:.0f}; after results {figures}"
            )
            print(f"  ({samples[-1][0]:,} results in {seconds:.0f} s)")


def _document(n: int) -> str:
    text = f"query Flood{n} {{ packages(first: 1) {{ nodes {{ {FIELDS} }} }} }}\n"
    return text + "#" + "x" * (33_000 - len(text) - 2) + "\n"


def _persisted(n: int) -> str:
    text = f"query Persisted{n} {{ __typename }}\n"
    return text + "#" + "y" * (900_000 - len(text) - 2) + "\n"


def floods(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as directory:
        workdir = Path(directory)
        env = {**_env(args, workdir), "RATE_LIMIT_POINTS": "0", "DEMO_SYNTHETIC_PACKAGES": "0"}
        with running_server(workdir, env) as server, httpx.Client(timeout=30) as http:
            pid = server.process.pid
            print(f"floods: RSS MB at start {rss_mb(pid):.0f}")
            _flood(http, server.url, pid, "distinct 33 KB documents", args.documents, _document)
            _flood(http, server.url, pid, "persisted 900 KB documents", args.persisted, _persisted)


def _flood(http: httpx.Client, url: str, pid: int, name: str, count: int, make: object) -> None:
    assert callable(make)
    peak, samples, started = 0.0, [], time.monotonic()
    for n in range(1, count + 1):
        text = make(n)
        body: dict[str, object] = {"query": text}
        if "Persisted" in text:
            sha256 = hashlib.sha256(text.encode()).hexdigest()
            body["extensions"] = {"persistedQuery": {"version": 1, "sha256Hash": sha256}}
        answer = http.post(f"{url}/graphql", json=body)
        assert answer.status_code == 200, answer.text[:300]
        assert "errors" not in answer.json(), answer.text[:300]
        rss = rss_mb(pid)
        peak = max(peak, rss)
        if n % max(1, count // 10) == 0 or n == count:
            samples.append(f"{n:,}: {rss:.0f}")
    seconds = time.monotonic() - started
    print(f"{name}: RSS MB after {', '.join(samples)}; peak {peak:.0f} ({seconds:.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=int, default=10_000)
    parser.add_argument("--documents", type=int, default=1_100)
    parser.add_argument("--persisted", type=int, default=2_100)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--redis-url", default=None)
    parser.add_argument("--only", default="subscriber,floods")
    args = parser.parse_args()
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores")
    print("command:", " ".join(sys.argv))
    parts = args.only.split(",")
    if "subscriber" in parts:
        subscriber(args)
    if "floods" in parts:
        floods(args)


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Benchmark `generate`: 5,000 and 50,000 packages on a temporary SQLite file, and on
PostgreSQL when DATABASE_URL points at one.

    .venv/bin/python scripts/bench_generate.py
    DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/dpgraph_gen \\
        .venv/bin/python scripts/bench_generate.py --sizes 5000 50000

Each run is a fresh child process, so its peak memory (getrusage ru_maxrss) is its own.
On PostgreSQL the run replaces any synthetic rows and deletes its own afterwards (unless
--keep), so the database is left as it was found. Speed goals live here, never in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOALS = {5000: 30.0, 50000: 300.0}
"""Seconds: "5,000 in seconds, 50,000 within a few minutes" on either database."""


async def _measure(url: str, packages: int, seed: int, keep: bool) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from core.db import Database
    from core.settings import Settings
    from synthetic import delete_synthetic, generate, plan_for

    db = Database.from_settings(Settings(database_url=url, _env_file=None))
    try:
        summary = await generate(db, plan_for(packages, seed), replace=True)
        if not keep:
            async with db.engine.begin() as connection:
                await delete_synthetic(connection)
    finally:
        await db.dispose()
    return {"seconds": summary.seconds, "rows": summary.inserted, "total": summary.total}


def _single(args: argparse.Namespace) -> int:
    """Child process: one run, one JSON line on stdout."""
    import asyncio

    result = asyncio.run(_measure(args.url, args.packages, args.seed, args.keep))
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))
    return 0


def _child(url: str, packages: int, seed: int, keep: bool) -> dict[str, Any]:
    command = [sys.executable, __file__, "--single", "--url", url]
    command += ["--packages", str(packages), "--seed", str(seed)] + (["--keep"] if keep else [])
    started = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - started
    return result


def _report(backend: str, packages: int, result: dict[str, Any]) -> bool:
    seconds = result["seconds"]
    goal = GOALS.get(packages)
    verdict = "" if goal is None else ("  ok" if seconds <= goal else f"  SLOWER than {goal:.0f} s")
    print(
        f"{backend:<10} {packages:>7,} packages: {seconds:6.1f} s generate "
        f"({result['wall']:.1f} s process), {result['total'] / seconds:>9,.0f} rows/s, "
        f"peak RSS {result['peak_mb']:.0f} MB{verdict}"
    )
    print("           " + ", ".join(f"{name} {count:,}" for name, count in result["rows"].items()))
    return goal is None or seconds <= goal


def _targets(tmp: Path, packages: int) -> list[tuple[str, str]]:
    """A fresh SQLite file per size; the PostgreSQL database from DATABASE_URL, if any."""
    targets = [("sqlite", f"sqlite+aiosqlite:///{tmp / f'bench-{packages}.db'}")]
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        targets.append(("postgresql", url))
    return targets


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 50000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="leave the rows on PostgreSQL")
    parser.add_argument("--single", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--packages", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.single:
        return _single(args)
    met = True
    with tempfile.TemporaryDirectory(prefix="dpgraph-bench-") as tmp:
        for packages in args.sizes:
            for backend, url in _targets(Path(tmp), packages):
                keep = args.keep or backend == "sqlite"  # the temp file goes anyway
                met &= _report(backend, packages, _child(url, packages, args.seed, keep))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

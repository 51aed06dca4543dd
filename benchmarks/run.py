#!/usr/bin/env python
"""The benchmark of issue 13: the GraphQL server against a hand-written floor, same rows, same JSON.

    .venv/bin/python benchmarks/run.py [--packages 5000|50000] [--duration 10]
        [--concurrency 16] [--workloads W1,W1C,W2,W2C,W3,W3C,W4] [--database-url URL]
        [--rounds 5]

W1C-W3C are W1-W3 as a client library sends them (named fragments, `__typename`; W1C
through `node(id:)`), each measured against the floor answering the same JSON.

1. Loads the synthetic catalogue into a PostgreSQL database of its own (created if missing;
   reused when it already holds exactly --packages synthetic packages), then ANALYZE.
2. Counts SQL statements and pool checkouts per request of each workload, in-process.
3. Starts `python -m server` (one uvicorn worker) and benchmarks/floor.py, each pinned to
   one core, and checks that both answer every workload with the same JSON.
4. Loads each server in turn with wrk (pinned to another core): a warm-up, then a run
   bounded in time; requests still in flight at the end are not counted, and the server
   is left to go idle before the next run.
   With --rounds N > 1, each server is warmed up once per workload, then N rounds each
   run one --duration slice of ours and one of the floor's, alternating which goes first:
   this machine's throughput swings by about a third between identical runs, so a single
   ours-then-floor pair gives a ratio that moves by 0.15; the median of the N per-round
   ratios, with their spread, is the figure to quote.
5. Prints a Markdown table to paste into the README.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import difflib
import json
import os
import platform
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python benchmarks/run.py` puts benchmarks/ first, not the root
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import orjson  # noqa: E402
from sqlalchemy import event, text  # noqa: E402
from sqlalchemy.engine.url import make_url  # noqa: E402

from benchmarks.server_metrics import HEADER, Tail, scrape, summed, tail  # noqa: E402
from benchmarks.workloads import (  # noqa: E402
    CLIENT_WORKLOADS,
    WORKLOADS,
    Workload,
    choose,
    choose_clients,
)

T = TypeVar("T")
ALL_WORKLOADS = tuple(sorted([*WORKLOADS, *CLIENT_WORKLOADS]))
"""W1, W1C, W2, W2C, W3, W3C, W4: each client-shaped form beside its plain one."""
DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/dpgraph_bench"
PROTECTED_DATABASES = {"test", "postgres", "template0", "template1"}
"""`test` belongs to the test suite; the others to PostgreSQL itself."""
COUNTED_RUNS = 3
"""In-process runs per workload for the statement counts (the first one warms caches)."""
TICKS = os.sysconf("SC_CLK_TCK")
RATE_LIMIT_POINTS = 1_000_000_000
"""The benchmark's client is charged like any other (the check is part of the measured
cost), with a budget its load never exhausts."""

WRK_SCRIPT = """
local f = assert(io.open("%(body)s", "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK-RESULT {\\"requests\\": %%d, \\"duration_us\\": %%d, \\"p50_us\\": %%d, "
    .. "\\"p99_us\\": %%d, \\"status\\": %%d, \\"timeout\\": %%d, \\"connect\\": %%d, "
    .. "\\"read\\": %%d, \\"write\\": %%d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.timeout, e.connect, e.read, e.write))
end
"""
"""wrk's Lua: POST the body from a file, print the summary as one JSON line."""


@dataclass
class Counts:
    """Per request: SQL statements sent, and connections taken from the pool."""

    statements: float
    checkouts: float


@dataclass
class Result:
    """One bounded wrk run against one server."""

    requests: int
    seconds: float
    p50_ms: float | None
    p99_ms: float | None
    errors: int
    peak_rss_mib: float | None
    cpu_percent: float
    tail: Tail | None = None

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _median(values: list[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return statistics.median(present) if present else None


def combine(slices: list[Result]) -> Result:
    """One server's slices of a workload as one row: requests summed over summed seconds (a
    slice's rate weighs by its length), p50/p99 the median of the slices' own (percentiles
    do not add up), peak RSS the highest, CPU % the mean, the /metrics waits summed."""
    if len(slices) == 1:
        return slices[0]
    peaks = [one.peak_rss_mib for one in slices if one.peak_rss_mib is not None]
    return Result(
        requests=sum(one.requests for one in slices),
        seconds=sum(one.seconds for one in slices),
        p50_ms=_median([one.p50_ms for one in slices]),
        p99_ms=_median([one.p99_ms for one in slices]),
        errors=sum(one.errors for one in slices),
        peak_rss_mib=max(peaks) if peaks else None,
        cpu_percent=statistics.mean(one.cpu_percent for one in slices),
        tail=summed([one.tail for one in slices]),
    )


@dataclass
class Rounds:
    """A workload's slices, ours and the floor's, the i-th of each from the same round (one
    each with --rounds 1): the ratio is taken within a round, where both ran on the same
    machine state, never across rounds."""

    ours: list[Result]
    floor: list[Result]

    def ratios(self) -> list[float]:
        """Ours over the floor's req/s in each round the floor answered anything."""
        return [o.rate / f.rate for o, f in zip(self.ours, self.floor, strict=True) if f.rate]

    def ratio(self) -> float | None:
        """The median round: one round on a noisy machine state moves it less than a mean."""
        ratios = self.ratios()
        return statistics.median(ratios) if ratios else None

    def spread(self) -> tuple[float, float] | None:
        ratios = self.ratios()
        return (min(ratios), max(ratios)) if ratios else None


# -- the data -------------------------------------------------------------------------------


def _settings(url: str) -> Any:
    from core.settings import Settings

    return Settings(database_url=url, load_demo_data=False, sql_echo=False, _env_file=None)


async def ensure_database(url: str) -> None:
    """Create the benchmark's own database if it is missing (never the test suite's)."""
    import asyncpg  # type: ignore[import-untyped]

    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise SystemExit(f"run.py: {url} is not PostgreSQL; the benchmark needs its own database")
    name = parsed.database or ""
    if name in PROTECTED_DATABASES:
        raise SystemExit(f"run.py: refusing to use database {name!r}; pick one of its own")
    admin = parsed.set(drivername="postgresql", database="postgres")
    connection = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        found = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not found:
            await connection.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}", flush=True)
    finally:
        await connection.close()


async def load(url: str, packages: int, seed: int) -> dict[str, int]:
    """The catalogue at the asked size, reused when present; the row count of every table."""
    from core.db import Database
    from synthetic import generate, plan_for, synthetic_counts
    from synthetic.load import TABLES

    db = Database.from_settings(_settings(url))
    try:
        await db.create_tables()
        async with db.engine.connect() as connection:
            present = await synthetic_counts(connection)
            total = (await connection.execute(text("SELECT count(*) FROM package"))).scalar_one()
        if total != present["package"]:
            raise SystemExit(
                f"run.py: the database holds {total - present['package']:,} packages that are "
                "not synthetic; give the benchmark a database of its own (--database-url)"
            )
        if present["package"] == packages:
            print(f"data: reusing {packages:,} synthetic packages", flush=True)
        else:
            print(f"data: generating {packages:,} synthetic packages (seed {seed})...", flush=True)
            summary = await generate(db, plan_for(packages, seed), replace=True)
            print(f"data: {summary.total:,} rows in {summary.seconds:.1f} s", flush=True)
        async with db.engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.execute(text("ANALYZE"))
            rows = {}
            for table in TABLES:
                count = await connection.execute(text(f"SELECT count(*) FROM {table}"))
                rows[table] = count.scalar_one()
        return rows
    finally:
        await db.dispose()


async def pick(url: str, names: list[str]) -> list[Workload]:
    from core.db import Database

    db = Database.from_settings(_settings(url))
    try:
        async with db.engine.connect() as connection:
            chosen = await choose(connection) | await choose_clients(connection)
    finally:
        await db.dispose()
    return [chosen[name] for name in names]


# -- statements per request -----------------------------------------------------------------


class _CountingFetcher:
    """Stands in for an asyncpg connection in the floor's handlers and counts their calls."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.statements = 0

    async def fetchrow(self, query: str, *args: Any) -> Any:
        self.statements += 1
        return await self.connection.fetchrow(query, *args)

    async def fetch(self, query: str, *args: Any) -> list[Any]:
        self.statements += 1
        result: list[Any] = await self.connection.fetch(query, *args)
        return result


async def count_statements(url: str, workloads: list[Workload]) -> dict[str, tuple[Counts, Counts]]:
    """(GraphQL server, floor) statements and pool checkouts per request, counted in-process.

    The GraphQL app runs on an engine with SQLAlchemy's `before_cursor_execute` hook (every
    statement the loaders send; the hook tests/conftest.py uses) and a pool `checkout` hook
    (each checkout also costs a pre-ping and the session's BEGIN/ROLLBACK, which the cursor
    hook does not see). The floor's handlers run on a counting connection: each fetch is
    one statement, and a request takes at most one connection.
    """
    import asyncpg

    from benchmarks.floor import answer, pg_dsn
    from core.db import Database
    from metrics import CONNECTIONS_REUSED
    from server.app import create_app

    db = Database.from_settings(_settings(url))
    # As for the servers below: every request is charged, none refused (the seven
    # workloads' three runs each spend over the default 1,000 points).
    unlimited = _settings(url).model_copy(update={"rate_limit_points": RATE_LIMIT_POINTS})
    app = create_app(unlimited, db=db)
    seen = {"statements": 0, "checkouts": 0}

    def on_statement(*_: Any) -> None:
        seen["statements"] += 1

    def on_checkout(*_: Any) -> None:
        seen["checkouts"] += 1

    event.listen(db.engine.sync_engine, "before_cursor_execute", on_statement)
    event.listen(db.engine.sync_engine.pool, "checkout", on_checkout)
    counts: dict[str, tuple[Counts, Counts]] = {}
    connection = await asyncpg.connect(pg_dsn(url))
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for workload in workloads:
                ours: list[tuple[int, int]] = []
                floor: list[int] = []
                for _ in range(COUNTED_RUNS):
                    seen.update(statements=0, checkouts=0)
                    reused = CONNECTIONS_REUSED._value.get()
                    response = await client.post("/graphql", json=workload.body())
                    response.raise_for_status()
                    # A connection kept from the request before counts as one held.
                    held = seen["checkouts"] + int(CONNECTIONS_REUSED._value.get() - reused)
                    ours.append((seen["statements"], held))
                    fetcher = _CountingFetcher(connection)
                    await answer(fetcher, workload.name, workload.variables)
                    floor.append(fetcher.statements)
                last_statements, last_checkouts = ours[-1]
                counts[workload.name] = (
                    Counts(last_statements, last_checkouts),
                    Counts(floor[-1], 1 if floor[-1] else 0),
                )
    finally:
        await connection.close()
        await db.dispose()
    return counts


# -- the servers ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    """A server process pinned to one core, with its log file."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime

    def reset_peak(self) -> bool:
        """Start VmHWM over from the current RSS (Linux clear_refs 5), so a run gets its own."""
        try:
            Path(f"/proc/{self.process.pid}/clear_refs").write_text("5")
        except OSError:
            return False
        return True

    def peak_rss_mib(self) -> float | None:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(name: str, command: list[str], env: dict[str, str], cpu: int, logs: Path) -> Server:
    port = _free_port()
    log = logs / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["taskset", "-c", str(cpu), *command, "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server(name, port, process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        time.sleep(0.2)
    server.stop()
    raise SystemExit(f"run.py: {name} did not start; its log:\n{log.read_text()[-3000:]}")


@contextlib.contextmanager
def servers(url: str, cpu: int, logs: Path) -> Iterator[tuple[Server, Server]]:
    """The GraphQL server (`python -m server`, one worker) and the floor, both on `cpu`."""
    base = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    ours_env = base | {
        "DATABASE_URL": url,
        "LOAD_DEMO_DATA": "false",
        "WORKERS": "1",
        "HOST": "127.0.0.1",
        "LOG_LEVEL": "warning",
        "SQL_ECHO": "false",
        # One client sends every request: its budgets are charged (the check is part of
        # the measured cost) but sized so that the load is never refused.
        "RATE_LIMIT_POINTS": str(RATE_LIMIT_POINTS),
        "MAX_REQUESTS_IN_FLIGHT_PER_CLIENT": "0",
    }
    floor_env = base | {"FLOOR_DATABASE_URL": url}
    python = sys.executable
    started: list[Server] = []
    try:
        started.append(start("graphql", [python, "-m", "server"], ours_env, cpu, logs))
        floor = [python, "-m", "uvicorn", "benchmarks.floor:app", "--host", "127.0.0.1"]
        floor += ["--workers", "1", "--log-level", "warning"]
        started.append(start("floor", floor, floor_env, cpu, logs))
        yield started[0], started[1]
    finally:
        for server in started:
            server.stop()


def canonical(content: bytes) -> str:
    """The parsed JSON written out again, keys in the order they came (field order counts)."""
    return orjson.dumps(orjson.loads(content), option=orjson.OPT_INDENT_2).decode()


def check_same(ours: Server, floor: Server, workloads: list[Workload]) -> None:
    """Both servers answer every workload with the same JSON, or the run stops with a diff."""
    with httpx.Client(timeout=120) as client:
        for workload in workloads:
            answers = []
            for server in (ours, floor):
                response = client.post(server.url, json=workload.body())
                if response.status_code != 200 or b'"errors"' in response.content[:20]:
                    raise SystemExit(
                        f"run.py: {server.name} answered {workload.name} with "
                        f"{response.status_code}: {response.text[:2000]}"
                    )
                answers.append(canonical(response.content))
            if answers[0] != answers[1]:
                diff = difflib.unified_diff(
                    answers[0].splitlines(keepends=True),
                    answers[1].splitlines(keepends=True),
                    "graphql",
                    "floor",
                )
                sys.stdout.writelines(list(diff)[:200])
                raise SystemExit(f"run.py: {workload.name}: the floor's JSON differs (diff above)")
            print(f"check: {workload.name} same JSON ({len(answers[0]):,} bytes indented)")


# -- the load -------------------------------------------------------------------------------


def wait_idle(server: Server, limit: float) -> float:
    """Wait until the server burns no CPU (abandoned requests finish): seconds waited."""
    started = time.monotonic()
    last = server.cpu_seconds()
    quiet = 0
    while time.monotonic() - started < limit:
        time.sleep(0.25)
        now = server.cpu_seconds()
        quiet = quiet + 1 if now - last < 0.01 else 0
        last = now
        if quiet >= 2:
            break
    return time.monotonic() - started


def wrk(server: Server, script: Path, seconds: int, concurrency: int, cpu: int) -> dict[str, Any]:
    timeout = seconds + 30  # a slow answer is a latency, never a wrk timeout
    command = ["taskset", "-c", str(cpu), "wrk", "-t1", f"-c{concurrency}", f"-d{seconds}s"]
    command += [f"--timeout={timeout}s", "-s", str(script), server.url]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("WRK-RESULT "):
            result: dict[str, Any] = json.loads(line.removeprefix("WRK-RESULT "))
            return result
    raise SystemExit(f"run.py: wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def warm(server: Server, script: Path, args: argparse.Namespace) -> None:
    """Fill the server's caches and pools (and the floor's) so a measured slice sees none
    of their first-use cost, then let it go idle."""
    if args.warmup > 0:
        wrk(server, script, args.warmup, args.concurrency, args.client_cpu)
        wait_idle(server, args.drain)


def measure(server: Server, script: Path, args: argparse.Namespace) -> Result:
    """Warm up, go idle, then one bounded run: throughput, latency, peak RSS, CPU."""
    warm(server, script, args)
    return take_slice(server, script, args)


def take_slice(server: Server, script: Path, args: argparse.Namespace) -> Result:
    """One bounded run of an already warm server, then idle: its own peak RSS and waits."""
    server.reset_peak()
    scraped = scrape(server.url)
    cpu_before = server.cpu_seconds()
    started = time.monotonic()
    raw = wrk(server, script, args.duration, args.concurrency, args.client_cpu)
    wall = time.monotonic() - started
    cpu = server.cpu_seconds() - cpu_before
    peak = server.peak_rss_mib()
    waited = tail(scraped, scrape(server.url))
    wait_idle(server, args.drain)
    seconds = raw["duration_us"] / 1e6
    measured = raw["requests"] > 0
    errors = sum(raw[key] for key in ("status", "timeout", "connect", "read", "write"))
    return Result(
        requests=raw["requests"],
        seconds=seconds,
        p50_ms=raw["p50_us"] / 1000 if measured else None,
        p99_ms=raw["p99_us"] / 1000 if measured else None,
        errors=errors,
        peak_rss_mib=peak,
        cpu_percent=100 * cpu / wall if wall else 0.0,
        tail=waited,
    )


def order(number: int, ours: T, floor: T) -> tuple[T, T]:
    """Ours first in even rounds, the floor first in odd ones: neither always runs second,
    on the machine the other has just warmed (or the other's leftovers have slowed)."""
    return (ours, floor) if number % 2 == 0 else (floor, ours)


def run_rounds(
    ours: Server, floor: Server, name: str, script: Path, args: argparse.Namespace
) -> Rounds:
    """One workload: with --rounds 1 each server warmed and measured in turn (as before
    rounds existed); otherwise both warmed once, then the alternating rounds."""
    if args.rounds == 1:
        pair = []
        for server in (ours, floor):
            print(f"load: {name} {server.name}...", flush=True)
            pair.append(measure(server, script, args))
        return Rounds([pair[0]], [pair[1]])
    for server in (ours, floor):
        print(f"load: {name} {server.name} warm-up...", flush=True)
        warm(server, script, args)
    slices: dict[str, list[Result]] = {ours.name: [], floor.name: []}
    for number in range(args.rounds):
        for server in order(number, ours, floor):
            print(f"load: {name} {server.name} round {number + 1}/{args.rounds}...", flush=True)
            slices[server.name].append(take_slice(server, script, args))
    return Rounds(slices[ours.name], slices[floor.name])


# -- the report -----------------------------------------------------------------------------


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _git() -> str:
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
    )
    return done.stdout.strip() or "unknown"


def _load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def header(args: argparse.Namespace, rows: dict[str, int], postgres: str, load: str) -> str:
    command = shlex.join([".venv/bin/python", "benchmarks/run.py", *sys.argv[1:]])
    lines = [
        f"date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"command: {command}",
        f"machine: {os.cpu_count()} cores (nproc), {_cpu_model()}, "
        f"Linux {platform.release()}, Python {platform.python_version()}",
        f"load average (1, 5, 15 min): {load} at the start, {_load_average()} at the end",
        f"postgresql: {postgres}",
        f"git: {_git()}",
        "rows: " + ", ".join(f"{name} {count:,}" for name, count in rows.items()),
        f"load: wrk -t1 -c{args.concurrency}, {_schedule(args)}; servers on core "
        f"{args.server_cpu}, wrk on core {args.client_cpu}, PostgreSQL unpinned",
    ]
    return "\n".join(lines)


def _schedule(args: argparse.Namespace) -> str:
    if args.rounds == 1:
        return f"{args.warmup} s warm-up + {args.duration} s per run"
    return (
        f"{args.warmup} s warm-up per server and workload, then {args.rounds} rounds of one "
        f"{args.duration} s slice per server (alternating which goes first); ours/floor is "
        "the median of the rounds' ratios, req/s the slices' requests over their seconds, "
        "p50/p99 the median of the slices', peak RSS the highest, CPU % the mean"
    )


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f}"


def _ratio_cells(measured: Rounds) -> list[str]:
    """`ours/floor req/s`, and with several rounds `ratio min-max` beside it."""
    ratio, spread = measured.ratio(), measured.spread()
    cells = ["-" if ratio is None else f"{ratio:.3f}"]
    if len(measured.ours) > 1:
        cells.append("-" if spread is None else f"{spread[0]:.3f}-{spread[1]:.3f}")
    return cells


def table(
    workloads: list[Workload],
    results: dict[str, Rounds],
    counts: dict[str, tuple[Counts, Counts]],
) -> str:
    several = any(len(measured.ours) > 1 for measured in results.values())
    lines = [
        "| workload | server | req/s | p50 ms | p99 ms | done | errors | peak RSS MiB | CPU % "
        "| SQL/req | conns/req | ours/floor req/s |" + (" ratio min-max |" if several else ""),
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|" + ("--:|" if several else ""),
    ]
    combined = {name: (combine(m.ours), combine(m.floor)) for name, m in results.items()}
    for workload in workloads:
        ours, floor = combined[workload.name]
        cells = _ratio_cells(results[workload.name])
        for label, result, count in (
            ("graphql", ours, counts[workload.name][0]),
            ("floor", floor, counts[workload.name][1]),
        ):
            rss = "-" if result.peak_rss_mib is None else f"{result.peak_rss_mib:,.0f}"
            tail = cells if label == "graphql" else [""] * len(cells)
            lines.append(
                f"| {workload.name} | {label} | {result.rate:,.1f} | {_ms(result.p50_ms)} "
                f"| {_ms(result.p99_ms)} | {result.requests:,} | {result.errors:,} | {rss} "
                f"| {result.cpu_percent:.0f} | {count.statements:g} | {count.checkouts:g} "
                "| " + " | ".join(tail) + " |"
            )
    lines += _shaped_lines(workloads, combined, several)
    lines += _wait_lines(workloads, combined, several)
    return "\n".join(lines)


def _shaped_lines(
    workloads: list[Workload], combined: dict[str, tuple[Result, Result]], several: bool
) -> list[str]:
    """Each client-shaped workload's req/s over its plain form's, on the GraphQL server.
    With rounds, over all its slices of each: the two forms never ran in the same round,
    so there is no per-round ratio to take the median of."""
    shaped = [w.name for w in workloads if w.name in CLIENT_WORKLOADS and w.name[:-1] in combined]
    lines = [""] if shaped else []
    note = "client-shaped over plain, all slices" if several else "client-shaped over plain"
    for name in shaped:
        plain, client = combined[name[:-1]][0], combined[name][0]
        share = f"{client.rate / plain.rate:.2f}" if plain.rate else "-"
        lines.append(f"{name}: {share} of {name[:-1]}'s req/s ({note})")
    return lines


def _wait_lines(
    workloads: list[Workload], combined: dict[str, tuple[Result, Result]], several: bool
) -> list[str]:
    """The GraphQL server's /metrics waits per workload; with rounds, summed over its slices
    (so GC ms/req is over all their requests, pool wait ms over all their waits)."""
    waits = [(w.name, combined[w.name][0]) for w in workloads if combined[w.name][0].tail]
    if not waits:
        return []
    during = "its slices, summed" if several else "each run"
    lines = ["", f"Where the GraphQL server waited during {during} (its /metrics):", HEADER]
    for name, result in waits:
        assert result.tail is not None
        lines.append(f"| {name} " + result.tail.row(result.requests))
    return lines


def write_scripts(workloads: list[Workload], directory: Path) -> dict[str, Path]:
    scripts = {}
    for workload in workloads:
        body = directory / f"{workload.name}.json"
        body.write_bytes(orjson.dumps(workload.body()))
        script = directory / f"{workload.name}.lua"
        script.write_text(WRK_SCRIPT % {"body": body})
        scripts[workload.name] = script
    return scripts


async def _postgres_version(url: str) -> str:
    import asyncpg

    from benchmarks.floor import pg_dsn

    connection = await asyncpg.connect(pg_dsn(url))
    try:
        version: str = await connection.fetchval("SHOW server_version")
        return version
    finally:
        await connection.close()


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="GraphQL server vs hand-written floor on the same PostgreSQL rows (issue 13)."
    )
    parser.add_argument("--packages", type=int, default=5000, help="catalogue size (5000)")
    parser.add_argument("--seed", type=int, default=0, help="synthetic seed when loading (0)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per run (10)")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up seconds per run (2)")
    parser.add_argument("--concurrency", type=int, default=16, help="open connections (16)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="alternating slices of --duration s per server; the ratio is their median (1)",
    )
    parser.add_argument(
        "--workloads",
        default=",".join(ALL_WORKLOADS),
        help="comma-separated; W1C-W3C: the client-shaped W1-W3 (all)",
    )
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"default {DEFAULT_URL}")
    parser.add_argument("--server-cpu", type=int, default=0, help="core of the servers (0)")
    parser.add_argument("--client-cpu", type=int, default=1, help="core of wrk (1)")
    parser.add_argument(
        "--drain", type=float, default=60, help="most seconds to wait for a server to go idle"
    )
    args = parser.parse_args(argv)
    names = [name.strip().upper() for name in args.workloads.split(",") if name.strip()]
    unknown = [name for name in names if name not in ALL_WORKLOADS]
    if unknown or not names:
        parser.error(f"unknown workloads {unknown}; choose among {', '.join(ALL_WORKLOADS)}")
    args.names = names
    if args.packages < 1 or args.duration <= 0 or args.concurrency < 1 or args.rounds < 1:
        parser.error("--packages, --duration, --concurrency and --rounds must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(argv)
    for tool in ("wrk", "taskset"):
        if shutil.which(tool) is None:
            raise SystemExit(f"run.py: {tool} is missing (Debian: apt-get install wrk util-linux)")
    url = args.database_url
    asyncio.run(ensure_database(url))
    rows = asyncio.run(load(url, args.packages, args.seed))
    workloads = asyncio.run(pick(url, args.names))
    for workload in workloads:
        print(f"{workload.name}: {workload.summary} {workload.variables or ''}", flush=True)
    started = time.monotonic()
    load_at_start = _load_average()
    if float(load_at_start.split()[0]) > 0.5:
        print(f"warning: load average {load_at_start}: other work shares the cores", flush=True)
    counts = asyncio.run(count_statements(url, workloads))
    postgres = asyncio.run(_postgres_version(url))
    results: dict[str, Rounds] = {}
    with tempfile.TemporaryDirectory(prefix="dpgraph-bench-") as tmp:
        scripts = write_scripts(workloads, Path(tmp))
        with servers(url, args.server_cpu, Path(tmp)) as (ours, floor):
            check_same(ours, floor, workloads)
            for workload in workloads:
                script = scripts[workload.name]
                results[workload.name] = run_rounds(ours, floor, workload.name, script, args)
    print(f"\n(benchmark {time.monotonic() - started:.0f} s, data load excluded)\n")
    out: IO[str] = sys.stdout
    out.write(
        header(args, rows, postgres, load_at_start)
        + "\n\n"
        + table(workloads, results, counts)
        + "\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

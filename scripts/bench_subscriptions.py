#!/usr/bin/env python
"""Benchmark subscriptions: delivery latency and what one server process holds.

One server process (`python -m server`, one worker) on a temporary SQLite file with the
demo catalogue; N WebSocket subscribers (graphql-transport-ws) on loopback, spread over
the demo packages, each selecting `repoDescription`; every package changes once per
second (a mutation writes the send time into `repoDescription`), and each subscriber
measures send-to-receive latency.

    .venv/bin/python scripts/bench_subscriptions.py                  # 1,000 and 10,000
    .venv/bin/python scripts/bench_subscriptions.py --subscribers 1000 --seconds 20
    .venv/bin/python scripts/bench_subscriptions.py --idle --subscribers 10000 --per-connection 5
    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python scripts/bench_subscriptions.py
    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python scripts/bench_subscriptions.py \
        --server-processes 2 --subscribers 10000
    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python scripts/bench_subscriptions.py \
        --own-packages 3 --subscribers 2000 --import-after 5 [--own-tokens]

`--own-packages K`: each subscriber watches K packages of its own, drawn at random from
the demo's 305 (`packageChanged(slugs: $s) { slug repoWatchers }`); `--import-after S`
seconds after the last `subscribe` was sent, one `dpgraph import` (through Redis: the
CLI reaches the server's subscribers only that way) raises every package's watchers by
one. It reports the pushes delivered of those expected (one per watched package), when
the last one arrived after the import started, and the server's CPU meanwhile. With
`--own-tokens` each subscriber connects with a write token of its own (as authenticated
integrations do); without, anonymously. The catalogue is the one a server starts with:
the five demo packages and 300 synthetic ones.

`--changes-per-second R --change-seconds T` (with `--own-packages`): instead of the
import, a steady stream of R changes a second for T seconds, going round the catalogue in
a random order, each raising one package's watchers by one: mutations sent to the
servers in turn (`--changes-via mutation`: their CPU includes the writes), or a writer
process using the write service and Redis (`--changes-via writer`, as the importer
writes). It reports pushes expected (each change, once per subscriber watching its
package) and delivered, p50/p99 of the delay from each write's start to each of its
pushes, and the servers' CPU while the changes run (a share of one core):

    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python scripts/bench_subscriptions.py \
        --own-packages 3 --own-tokens --subscribers 10000 --changes-per-second 100 \
        --change-seconds 10 --changes-via writer [--server-processes 2]

Traffic goes to 127.0.0.1 only and is bounded by --seconds. Goals live here, not in tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402

from tests.server_process import free_port  # noqa: E402

STAMP = '"repoDescription":"t='
DEMO_SYNTHETIC_PACKAGES = 300  # the server's default (DEMO_SYNTHETIC_PACKAGES)
PACKAGES = (631, 1326, 1327, 1412, 2235)  # the demo catalogue
SUBSCRIPTION = "subscription ($id: Int!) { packageChanged(ids: [$id]) { repoDescription } }"
UPDATE = (
    "mutation ($id: ID!, $v: Int!, $d: String!) { updatePackage(id: $id, expectedVersion: $v, "
    "input: {repoDescription: $d}) { version } }"
)


Push = tuple[str, int, float]  # (slug, repoWatchers, arrival on the wall clock)


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    pushes: list[Push] = field(default_factory=list)
    received: int = 0
    errors: int = 0


def _cpu_seconds(pids: list[int]) -> float:
    return sum(_cpu_seconds_of(pid) for pid in pids)


def _machine_busy_seconds() -> float:
    """CPU seconds every core of the machine spent busy (not idle, not waiting on I/O): over
    a window, divided by its length, how many cores the server, the clients, the writer and
    PostgreSQL kept busy between them (this machine has two)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = (
        int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _rss_mib(pids: list[int]) -> float:
    return sum(_rss_mib_of(pid) for pid in pids)


def _cpu_seconds_of(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mib_of(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def _issue_tokens(url: str, own: int, synthetic: int) -> tuple[str, list[str]]:
    """The demo catalogue (with `synthetic` synthetic packages beside its five, as a
    server's first start loads them), the changes' token, and `own` more (one per
    subscriber)."""
    from auth import Scope, issue_token
    from core.db import Database
    from core.settings import Settings
    from server.commands.demo import load_demo_data

    db = Database.from_settings(Settings(database_url=url, _env_file=None))
    try:
        await db.create_tables()
        await load_demo_data(db, synthetic_packages=synthetic)
        token = (await issue_token(db, name="bench", scope=Scope.WRITE)).token
        issued = []
        for number in range(own):
            issued.append(await issue_token(db, name=f"integration-{number}", scope=Scope.WRITE))
        return token, [each.token for each in issued]
    finally:
        await db.dispose()


async def _subscriber(
    ws_url: str, package: int, results: Results, ready: asyncio.Event, per_connection: int = 1
) -> None:
    async with connect(ws_url, subprotocols=["graphql-transport-ws"], max_queue=None) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        await ws.recv()
        payload = {"query": SUBSCRIPTION, "variables": {"id": package}}
        for operation in range(1, per_connection + 1):
            message = {"id": str(operation), "type": "subscribe", "payload": payload}
            await ws.send(json.dumps(message))
        ready.set()
        async for raw in ws:
            assert isinstance(raw, str)  # graphql-transport-ws is text
            stamp = raw.find(STAMP)  # the usual message, read without parsing all of it
            if stamp >= 0 and '"errors"' not in raw:
                sent = int(raw[stamp + len(STAMP) : raw.index('"', stamp + len(STAMP))])
                results.latencies.append((time.time_ns() - sent) / 1e6)
                results.received += 1
                continue
            message = json.loads(raw)
            kind = message.get("type")
            if kind == "ping":
                await ws.send('{"type":"pong"}')
            elif kind == "next":
                data = message["payload"].get("data")
                if not data:
                    results.errors += 1
                    continue
                sent = int(data["packageChanged"]["repoDescription"].removeprefix("t="))
                results.latencies.append((time.time_ns() - sent) / 1e6)
                results.received += 1
            elif kind in ("error", "complete"):
                results.errors += 1
                return


Watch = tuple[list[str], str | None]  # (slugs, own token or None)
OWN_SUBSCRIPTION = (
    "subscription ($s: [String!]) { packageChanged(slugs: $s) { slug repoWatchers } }"
)


async def _own_subscriber(
    ws_url: str,
    watch: Watch,
    arrivals: list[Push],
    results: Results,
    ready: asyncio.Event,
) -> None:
    """Watches its own packages (with its own token, if it has one); records each push:
    the package, its watchers and when it arrived (wall clock, seconds)."""
    slugs, token = watch
    init = {"token": token} if token is not None else {}
    async with connect(ws_url, subprotocols=["graphql-transport-ws"], max_queue=None) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": init}))
        await ws.recv()
        payload = {"query": OWN_SUBSCRIPTION, "variables": {"s": slugs}}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        ready.set()
        async for raw in ws:
            message = json.loads(raw)
            kind = message.get("type")
            if kind == "ping":
                await ws.send('{"type":"pong"}')
            elif kind == "next" and message["payload"].get("data"):
                changed = message["payload"]["data"]["packageChanged"]
                arrivals.append((changed["slug"], changed["repoWatchers"], time.time()))
                results.received += 1
            elif kind in ("next", "error", "complete"):
                results.errors += 1
                if kind != "next":
                    return


async def _own_subscriber_process(ws_url: str) -> None:
    """One client process of the own-packages scenario (as `_subscriber_process`): its
    subscribers come on stdin's first line (too many for the command line), and how many
    pushes to wait for on the rest (all: one per watched package)."""
    watched: list[Watch] = [(slugs, token) for slugs, token in json.loads(sys.stdin.readline())]
    results, arrivals = Results(), list[Push]()
    tasks: list[asyncio.Task[None]] = []
    for start in range(0, len(watched), 250):
        wave = []
        for watch in watched[start : start + 250]:
            ready = asyncio.Event()
            subscriber = _own_subscriber(ws_url, watch, arrivals, results, ready)
            tasks.append(asyncio.create_task(subscriber))
            wave.append(ready.wait())
        await asyncio.gather(*wave)
    print("ready", flush=True)
    told = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    expected = int(told) if told.strip() else sum(len(slugs) for slugs, _ in watched)
    deadline = time.perf_counter() + 30
    while results.received < expected and time.perf_counter() < deadline:
        await asyncio.sleep(0.1)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    report = {
        "latencies": [arrival for _, _, arrival in arrivals],
        "pushes": arrivals,
        "received": results.received,
        "errors": results.errors,
    }
    print(json.dumps(report), flush=True)


async def _own_packages(
    count: int, per_subscriber: int, import_after: float, base_url: str, pids: list[int], args: Any
) -> dict[str, Any]:
    """Each subscriber its own packages; one import changes them all `import_after` s after
    the last subscribe was sent."""
    import random

    ws_url = base_url.replace("http://", "ws://") + "/graphql"
    async with httpx.AsyncClient(timeout=60) as http:
        listed = (await http.get(f"{base_url}/api/v4/packages/?limit=100")).json()
        packages = listed["results"]
        while listed.get("next"):
            listed = (await http.get(listed["next"])).json()
            packages += listed["results"]
    slugs = [package["slug"] for package in packages]
    draw = random.Random(args.seed)
    tokens: list[str | None] = list(args.own_tokens_issued) or [None] * count
    watched = [(draw.sample(slugs, per_subscriber), tokens[n]) for n in range(count)]
    started = time.perf_counter()
    clients = _start_own_clients([ws_url], watched, args.client_processes, args.node_clients)
    await _until_ready(clients)  # every subscribe sent (not necessarily set up)
    connect_seconds = time.perf_counter() - started
    live = asyncio.create_task(_until_live(base_url, count))
    await asyncio.sleep(import_after)
    for package in packages:
        package["repo_watchers"] += 1
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as changed:
        json.dump(packages, changed)
    cpu_before, busy_before = _cpu_seconds(pids), _machine_busy_seconds()
    import_started = time.time()
    env = {**os.environ, "DATABASE_URL": args.database_url, "PYTHONPATH": str(ROOT)}
    env["REDIS_PREFIX"] = args.redis_prefix
    imported = subprocess.run(
        [sys.executable, "-m", "server", "import", changed.name, "--progress", "log"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    os.unlink(changed.name)
    import_seconds = time.time() - import_started
    results = await _collect(clients)
    server_cpu = _cpu_seconds(pids) - cpu_before
    machine_busy = (_machine_busy_seconds() - busy_before) / (time.time() - import_started)
    live.cancel()
    live_seconds = await asyncio.gather(live, return_exceptions=True)
    last = max(results.latencies, default=import_started)
    return {
        "scenario": f"{count} subscribers, {per_subscriber} own packages each"
        + (", each with its own token" if args.own_tokens else ", anonymous"),
        "import_after_s": import_after,
        "import_exit": imported.returncode,
        "import_s": round(import_seconds, 2),
        "expected": count * per_subscriber,
        "delivered": results.received,
        "errors": results.errors,
        "last_push_after_import_start_s": round(last - import_started, 2),
        # what the server adds after the import (a slow import on a busy machine is not it)
        "last_push_after_import_end_s": round(last - import_started - import_seconds, 2),
        "server_cpu_s": round(server_cpu, 2),
        # cores busy meanwhile, all processes together (the import's own CPU included)
        "machine_busy_cores": round(machine_busy, 2),
        "connect_s": round(connect_seconds, 1),
        # set-up: every subscriber a member of its stream, after the last subscribe was sent
        "all_live_after_last_subscribe_s": live_seconds[0]
        if isinstance(live_seconds[0], float)
        else None,
    }


NODE_CLIENT = ROOT / "scripts" / "own_subscribers.mjs"


def _start_own_clients(
    ws_urls: list[str], watched: list[Watch], processes: int, node: bool
) -> list[subprocess.Popen[str]]:
    """Client process `i` holds every `processes`-th subscriber and talks to server
    `i mod len(ws_urls)`; `node`: the Node client (same protocol and report)."""
    clients = []
    for index in range(processes):
        url = ws_urls[index % len(ws_urls)]
        command = (
            ["node", str(NODE_CLIENT), url, OWN_SUBSCRIPTION]
            if node
            else [sys.executable, __file__, "--own-client", url]
        )
        client = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert client.stdin is not None
        client.stdin.write(json.dumps(watched[index::processes]) + "\n")
        client.stdin.flush()
        clients.append(client)
    return clients


PACKAGE_PAGE = (
    "query ($after: String) { packages(first: 100, after: $after) { pageInfo { endCursor "
    "hasNextPage } edges { node { id databaseId slug version repoWatchers } } } }"
)
WATCHERS = (
    "mutation ($id: ID!, $v: Int!, $w: Int!) { updatePackage(id: $id, expectedVersion: $v, "
    "input: {repoWatchers: $w}) { version } }"
)


async def _catalogue(http: httpx.AsyncClient, base_url: str) -> list[dict[str, Any]]:
    """Every package: global id, slug, version and watchers."""
    packages: list[dict[str, Any]] = []
    after = None
    while True:
        answer = await http.post(
            f"{base_url}/graphql", json={"query": PACKAGE_PAGE, "variables": {"after": after}}
        )
        page = answer.json()["data"]["packages"]
        packages += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return packages
        after = page["pageInfo"]["endCursor"]


async def _own_stream(
    count: int, base_urls: list[str], token: str, pids: list[int], args: Any
) -> dict[str, Any]:
    """Each subscriber its own packages (spread over the servers); `--changes-per-second`
    changes, round the catalogue in a random order (mutations through the servers in
    turn, or a writer process), each raising one package's watchers by one. Every push is
    matched with its change (package and new watchers) for the delay from the start of
    the write to the push's arrival."""
    import random

    ws_urls = [base_url.replace("http://", "ws://") + "/graphql" for base_url in base_urls]
    async with httpx.AsyncClient(timeout=60) as http:
        packages = await _catalogue(http, base_urls[0])
    draw = random.Random(args.seed)
    slugs = [package["slug"] for package in packages]
    tokens: list[str | None] = list(args.own_tokens_issued) or [None] * count
    per = args.own_packages
    watched = [(draw.sample(slugs, per), tokens[n]) for n in range(count)]
    started = time.perf_counter()
    clients = _start_own_clients(ws_urls, watched, args.client_processes, args.node_clients)
    await _until_ready(clients)
    connect_seconds = time.perf_counter() - started
    held = [0] * len(base_urls)  # subscribers per server (client `i` talks to server `i mod n`)
    for client in range(args.client_processes):
        held[client % len(base_urls)] += len(watched[client :: args.client_processes])
    live = await asyncio.wait_for(
        asyncio.gather(*(_until_live(url, held[i]) for i, url in enumerate(base_urls))), 120
    )
    print(f"connected in {connect_seconds:.1f} s, live", file=sys.stderr, flush=True)
    await asyncio.sleep(args.import_after)
    order = packages[:]
    draw.shuffle(order)
    total = int(args.changes_per_second * args.change_seconds)
    plan = [order[number % len(order)] for number in range(total)]
    busy_before = _machine_busy_seconds()
    if args.changes_via == "writer":
        sent, failures, wall, cpu = await _write_elsewhere(plan, pids, args)
    else:
        cpu_before, wall_before = _cpu_seconds(pids), time.perf_counter()
        sent, failures = await _mutate(plan, base_urls, token, args.changes_per_second)
        wall = time.perf_counter() - wall_before
        cpu = (_cpu_seconds(pids) - cpu_before) / wall
    machine_busy = (_machine_busy_seconds() - busy_before) / wall
    print(f"changes done in {wall:.1f} s, cpu {cpu:.2f}", file=sys.stderr, flush=True)
    watching: dict[str, list[int]] = {}  # slug -> the client processes of its watchers
    for number, (watched_slugs, _) in enumerate(watched):
        for slug in watched_slugs:
            watching.setdefault(slug, []).append(number % args.client_processes)
    owed = [0] * args.client_processes
    for slug, _ in sent:
        for client in watching.get(slug, ()):
            owed[client] += 1
    results = await _collect(clients, [str(each) for each in owed])
    delays = sorted(
        (arrival - sent[slug, watchers]) * 1000
        for slug, watchers, arrival in results.pushes
        if (slug, watchers) in sent
    )
    return {
        "scenario": f"{count} subscribers, {per} own packages each"
        + (", each with its own token" if args.own_tokens else ", anonymous")
        + f", {args.changes_per_second:g} changes a second for {args.change_seconds:g} s"
        + (" (a writer process)" if args.changes_via == "writer" else " (mutations)"),
        "server_processes": len(pids),
        "changes": len(sent),
        "failed_changes": failures,
        "changes_s": round(wall, 1),
        "expected": sum(owed),
        "delivered": len(delays),
        "other_pushes": results.received - len(delays),
        "errors": results.errors,
        "p50_ms": round(statistics.median(delays), 1) if delays else None,
        "p99_ms": round(delays[int(len(delays) * 0.99) - 1], 1) if delays else None,
        "max_ms": round(delays[-1], 1) if delays else None,
        "server_cpu_share_of_one_core": round(cpu, 2),
        # cores busy while the changes ran, all processes together (clients, writer, PostgreSQL)
        "machine_busy_cores": round(machine_busy, 2),
        "connect_s": round(connect_seconds, 1),
        "all_live_after_last_subscribe_s": max(live),
    }


Sent = dict[tuple[str, int], float]  # (slug, new watchers) -> when its write began


async def _mutate(
    plan: list[dict[str, Any]], base_urls: list[str], token: str, rate: float
) -> tuple[Sent, int]:
    """`rate` mutations a second through the servers in turn (the server's write path,
    its CPU counted); a package's change waits for its previous one (its version)."""
    sent: Sent = {}
    failures = 0
    busy: dict[str, asyncio.Task[None]] = {}

    async def change(
        http: httpx.AsyncClient,
        package: dict[str, Any],
        server: str,
        previous: asyncio.Task[None] | None,
    ) -> None:
        nonlocal failures
        if previous is not None:
            await previous
        watchers = package["repoWatchers"] + 1
        variables = {"id": package["id"], "v": package["version"], "w": watchers}
        sent[package["slug"], watchers] = time.time()
        answer = (
            await http.post(
                f"{server}/graphql",
                json={"query": WATCHERS, "variables": variables},
                headers={"Authorization": f"Bearer {token}"},
            )
        ).json()
        if answer.get("errors"):
            failures += 1
            del sent[package["slug"], watchers]
            return
        package["version"] = answer["data"]["updatePackage"]["version"]
        package["repoWatchers"] = watchers

    began = time.perf_counter()
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=50)) as http:
        tasks = []
        for number, package in enumerate(plan):
            await asyncio.sleep(max(0.0, began + number / rate - time.perf_counter()))
            server = base_urls[number % len(base_urls)]
            previous = busy.get(package["slug"])
            task = asyncio.create_task(change(http, package, server, previous))
            busy[package["slug"]] = task
            tasks.append(task)
        await asyncio.gather(*tasks)
    return sent, failures


async def _write_elsewhere(
    plan: list[dict[str, Any]], pids: list[int], args: Any
) -> tuple[Sent, int, float, float]:
    """The same changes from a writer process of their own, through the write service and
    Redis (as the importer writes): the servers' CPU is the subscribers' alone. Also the
    seconds the changes took, and the servers' CPU meanwhile (a share of one core)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "REDIS_PREFIX": args.redis_prefix}
    order = {
        "database_url": args.database_url,
        "rate": args.changes_per_second,
        "plan": [[p["databaseId"], p["slug"], p["version"], p["repoWatchers"]] for p in plan],
    }
    writer = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--writer",
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert writer.stdin is not None and writer.stdout is not None
    writer.stdin.write(json.dumps(order).encode() + b"\n")
    await writer.stdin.drain()
    assert (await writer.stdout.readline()).strip() == b"ready"
    cpu_before, wall_before = _cpu_seconds(pids), time.perf_counter()
    out, _ = await writer.communicate(b"go\n")
    wall = time.perf_counter() - wall_before
    cpu = (_cpu_seconds(pids) - cpu_before) / wall
    report = json.loads(out.decode().strip().splitlines()[-1])
    sent = {(slug, watchers): at for slug, watchers, at in report["sent"]}
    return sent, report["failures"], wall, cpu


async def _writer() -> None:
    """The writer process: the planned changes, at the rate asked, each in a write unit of
    its own (one transaction, published after its commit), as a mutation's."""
    from core.db import Database
    from core.settings import Settings
    from events.broker import change_publisher
    from events.factory import make_broker
    from writes.packages import update_package
    from writes.unit import Actor, open_unit

    order = json.loads(sys.stdin.readline())
    settings = Settings(database_url=order["database_url"], _env_file=None)
    db = Database.from_settings(settings)
    # The importer's publisher, not a hub: a hub would also read back every event it sent.
    broker = make_broker(settings)
    publish = change_publisher(broker)
    await broker.head()  # connected
    print("ready", flush=True)
    sys.stdin.readline()
    actor = Actor("bench")
    versions: dict[int, tuple[int, int]] = {}  # package -> (version, watchers)
    busy: dict[int, asyncio.Task[None]] = {}
    sent: list[tuple[str, int, float]] = []
    failures = 0

    async def change(package_id: int, slug: str, previous: asyncio.Task[None] | None) -> None:
        nonlocal failures
        if previous is not None:
            await previous
        version, watchers = versions[package_id]
        at = time.time()
        try:
            async with open_unit(db, actor=actor, publish=publish) as unit:
                row = await update_package(
                    unit,
                    package_id=package_id,
                    expected_version=version,
                    values={"repo_watchers": watchers + 1},
                )
        except Exception:
            failures += 1
            return
        versions[package_id] = (row.version, watchers + 1)
        sent.append((slug, watchers + 1, at))

    try:
        began, tasks = time.perf_counter(), []
        for number, (package_id, slug, version, watchers) in enumerate(order["plan"]):
            versions.setdefault(package_id, (version, watchers))
            await asyncio.sleep(max(0.0, began + number / order["rate"] - time.perf_counter()))
            task = asyncio.create_task(change(package_id, slug, busy.get(package_id)))
            busy[package_id] = task
            tasks.append(task)
        await asyncio.gather(*tasks)
    finally:
        await broker.close()
        await db.dispose()
    print(json.dumps({"sent": sent, "failures": failures}), flush=True)


async def _until_live(base_url: str, count: int) -> float:
    """Seconds until the server counts `count` active subscriptions (its /metrics)."""
    started = time.perf_counter()
    async with httpx.AsyncClient(timeout=10) as http:
        while True:
            text = (await http.get(f"{base_url}/metrics")).text
            for line in text.splitlines():
                if line.startswith("dpgraph_active_subscriptions ") and (
                    float(line.split()[1]) >= count
                ):
                    return round(time.perf_counter() - started, 2)
            await asyncio.sleep(0.1)


async def _subscribe_all(
    ws_url: str, packages: list[int], results: Results, per_connection: int
) -> list[Any]:
    tasks: list[asyncio.Task[None]] = []
    for start in range(0, len(packages), 250):  # connect in waves, as a fleet would
        wave = []
        for package in packages[start : start + 250]:
            ready = asyncio.Event()
            subscriber = _subscriber(ws_url, package, results, ready, per_connection)
            tasks.append(asyncio.create_task(subscriber))
            wave.append(ready.wait())
        await asyncio.gather(*wave)
    return tasks


async def _subscriber_process(
    ws_url: str, packages: list[int], expected: int, per_connection: int
) -> None:
    """One client process: subscribe, say "ready", receive until `expected` messages
    arrived (or 30 s after stdin closes: the changes are over), then print the latencies."""
    results = Results()
    tasks = await _subscribe_all(ws_url, packages, results, per_connection)
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    deadline = time.perf_counter() + 30
    while results.received < expected and time.perf_counter() < deadline:
        await asyncio.sleep(0.1)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    report = {"latencies": results.latencies, "received": results.received}
    print(json.dumps({**report, "errors": results.errors}), flush=True)


def _start_clients(
    ws_urls: list[str],
    count: int,
    processes: int,
    expected_per_connection: int,
    per_connection: int = 1,
) -> list[Any]:
    """Client process `i` talks to server `i mod len(ws_urls)`."""
    clients = []
    for index in range(processes):
        ws_url = ws_urls[index % len(ws_urls)]
        packages = [PACKAGES[n % len(PACKAGES)] for n in range(index, count, processes)]
        clients.append(
            subprocess.Popen(
                [
                    sys.executable,
                    __file__,
                    "--client",
                    ws_url,
                    json.dumps(packages),
                    str(len(packages) * expected_per_connection),
                    str(per_connection),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        )
    return clients


async def _until_ready(clients: list[Any]) -> None:
    for client in clients:
        assert client.stdout is not None
        line = await asyncio.to_thread(client.stdout.readline)
        assert line.strip() == "ready", line


async def _collect(clients: list[Any], told: list[str] | None = None) -> Results:
    """`told`: what each client is told on stdin (how many pushes to wait for)."""
    results = Results()
    for index, client in enumerate(clients):  # each stops when it has everything, or 30 s
        said = told[index] if told is not None else ""  # after stdin closes
        reply, _ = await asyncio.to_thread(client.communicate, said, 60)
        report = json.loads(reply.strip().splitlines()[-1])
        results.latencies += report["latencies"]
        results.pushes += [tuple(push) for push in report.get("pushes", ())]
        results.received += report["received"]
        results.errors += report["errors"]
    return results


async def _idle(
    connections: int,
    per_connection: int,
    seconds: int,
    base_urls: list[str],
    pids: list[int],
    processes: int,
) -> dict[str, Any]:
    """Subscribers that receive nothing but keep-alive pings: memory and CPU."""
    ws_urls = [base_url.replace("http://", "ws://") + "/graphql" for base_url in base_urls]
    rss_before = _rss_mib(pids)
    started = time.perf_counter()
    clients = _start_clients(ws_urls, connections, processes, 0, per_connection)
    await _until_ready(clients)
    connect_seconds = time.perf_counter() - started
    await asyncio.sleep(2)
    rss = _rss_mib(pids)
    cpu_before, wall_before = _cpu_seconds(pids), time.perf_counter()
    await asyncio.sleep(seconds)
    cpu = (_cpu_seconds(pids) - cpu_before) / (time.perf_counter() - wall_before)
    results = await _collect(clients)
    subscribers = connections * per_connection
    return {
        "idle_subscribers": subscribers,
        "connections": connections,
        "errors": results.errors,
        "connect_s": round(connect_seconds, 1),
        "server_cpu_percent_while_idle": round(cpu * 100, 1),
        "server_rss_mib": round(rss, 1),
        "kib_per_subscriber": round((rss - rss_before) * 1024 / subscribers, 1),
        "kib_per_connection": round((rss - rss_before) * 1024 / connections, 1),
    }


async def _run(
    count: int,
    seconds: int,
    base_urls: list[str],
    token: str,
    pids: list[int],
    processes: int,
    stagger: bool,
) -> dict[str, Any]:
    """Changes go to the servers in turn (package `i` through server `i mod n`)."""
    ws_urls = [base_url.replace("http://", "ws://") + "/graphql" for base_url in base_urls]
    base_url = base_urls[0]
    rss_before = _rss_mib(pids)
    started = time.perf_counter()
    clients = _start_clients(ws_urls, count, processes, seconds)
    await _until_ready(clients)
    connect_seconds = time.perf_counter() - started
    await asyncio.sleep(2)  # baselines primed
    rss_connected = _rss_mib(pids)
    versions = dict.fromkeys(PACKAGES, 0)
    async with httpx.AsyncClient(timeout=30) as http:
        for package in PACKAGES:  # the current versions
            answer = await http.post(
                f"{base_url}/graphql", json={"query": f"{{ package(id: {package}) {{ version }} }}"}
            )
            versions[package] = answer.json()["data"]["package"]["version"]
        sent = 0
        headers = {"Authorization": f"Bearer {token}"}
        cpu_before, wall_before = _cpu_seconds(pids), time.perf_counter()
        for _ in range(seconds):
            tick = time.perf_counter()
            for index, package in enumerate(PACKAGES):
                if stagger:  # each package at its own moment of the second
                    await asyncio.sleep(
                        max(0.0, tick + index / len(PACKAGES) - time.perf_counter())
                    )
                variables = {
                    "id": _global_id(package),
                    "v": versions[package],
                    "d": f"t={time.time_ns()}",
                }
                answer = await http.post(
                    f"{base_urls[index % len(base_urls)]}/graphql",
                    json={"query": UPDATE, "variables": variables},
                    headers=headers,
                )
                versions[package] = answer.json()["data"]["updatePackage"]["version"]
                sent += 1
            await asyncio.sleep(max(0.0, 1.0 - (time.perf_counter() - tick)))
    server_cpu_seconds = _cpu_seconds(pids) - cpu_before
    results = await _collect(clients)
    server_cpu = server_cpu_seconds / (time.perf_counter() - wall_before)
    latencies = sorted(results.latencies)
    return {
        "server_processes": len(pids),
        "subscribers": count,
        "changes": sent,
        "changes_at": "staggered" if stagger else "once a second, together",
        "expected": count * seconds,
        "delivered": results.received,
        "errors": results.errors,
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 1) if latencies else None,
        "max_ms": round(latencies[-1], 1) if latencies else None,
        "connect_s": round(connect_seconds, 1),
        "server_cpu_percent": round(server_cpu * 100),
        "server_rss_mib": round(rss_connected, 1),
        "kib_per_subscriber": round((rss_connected - rss_before) * 1024 / count, 1),
    }


def _global_id(package: int) -> str:
    from strawberry import relay

    return relay.to_base64("Package", package)


async def _scenario(count: int, seconds: int, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        own = count if args.own_packages and args.own_tokens else 0
        # Own packages are drawn from the whole catalogue a server starts with (305 with
        # the synthetic ones); the identical-document scenario changes the five demo ones.
        synthetic = DEMO_SYNTHETIC_PACKAGES if args.own_packages else 0
        token, args.own_tokens_issued = await _issue_tokens(url, own, synthetic)
        ports = [free_port() for _ in range(args.server_processes)]
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "PYTHONPATH": str(ROOT),
            "LOG_LEVEL": "warning",
            "MAX_CONNECTIONS_PER_CLIENT": str(count + 100),
            "MAX_SUBSCRIPTIONS_PER_CONNECTION": str(max(100, args.per_connection)),
            # uvicorn's limit_concurrency counts every open WebSocket.
            "MAX_CONCURRENCY": str(count + 1000),
            # Every subscriber comes from 127.0.0.1: one address, one budget. Each start
            # is charged (the check is measured), none refused.
            "RATE_LIMIT_POINTS": "1000000000",
            "RATE_LIMIT_TOKEN_POINTS": "1000000000",
            # Idle: the default keep-alive, whose pings are the work being measured.
            "KEEPALIVE_SECONDS": "15" if args.idle else "30",
        }
        if os.environ.get("REDIS_URL"):
            env["REDIS_PREFIX"] = f"bench-{ports[0]}"
        servers: list[subprocess.Popen[bytes]] = []
        base_urls = [f"http://127.0.0.1:{port}" for port in ports]
        try:
            for port, base_url in zip(ports, base_urls, strict=True):
                # One after the other: on SQLite the first one creates the tables.
                servers.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "server", "--port", str(port)],
                        cwd=tmp,
                        env=env,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                )
                _wait_healthy(base_url)
            pids = [server.pid for server in servers]
            processes = args.client_processes
            args.database_url, args.redis_prefix = url, env.get("REDIS_PREFIX", "")
            if args.own_packages and args.changes_per_second:
                return await _own_stream(count, base_urls, token, pids, args)
            if args.own_packages:
                return await _own_packages(
                    count, args.own_packages, args.import_after, base_urls[0], pids, args
                )
            if args.idle:
                return await _idle(count, args.per_connection, seconds, base_urls, pids, processes)
            return await _run(count, seconds, base_urls, token, pids, processes, args.stagger)
        finally:
            for server in servers:
                server.terminate()
            for server in servers:
                server.wait(30)


def _wait_healthy(base_url: str) -> None:
    for _ in range(150):
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit(f"the server at {base_url} did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--seconds", type=int, default=10, help="changes last this long")
    parser.add_argument(
        "--node-clients",
        action="store_true",
        help="(--own-packages) clients in Node with `ws` (scripts/own_subscribers.mjs; "
        "needs tests/clients/node's packages): cheaper, so 10,000 sockets leave more of "
        "the cores to the server",
    )
    parser.add_argument(
        "--client-processes",
        type=int,
        default=2,
        help="subscribers are spread over this many client processes (one Python process "
        "reading 10,000 messages a second is slower than the server writing them)",
    )
    parser.add_argument(
        "--stagger",
        action="store_true",
        help="change the packages one after another across each second, not all at its start",
    )
    parser.add_argument(
        "--idle",
        action="store_true",
        help="no changes: hold the subscribers for --seconds with the default keep-alive "
        "(15 s) and report memory and CPU",
    )
    parser.add_argument(
        "--per-connection", type=int, default=1, help="subscriptions per WebSocket (--idle)"
    )
    parser.add_argument(
        "--server-processes",
        type=int,
        default=1,
        help="server processes sharing the database and REDIS_URL (required above 1); "
        "subscribers and changes are spread over them, CPU and memory are their sums",
    )
    parser.add_argument(
        "--own-packages",
        type=int,
        default=0,
        help="each subscriber watches this many packages of its own (drawn at random); one "
        "import changes every package --import-after seconds after the last subscribe "
        "(needs REDIS_URL)",
    )
    parser.add_argument(
        "--import-after",
        type=float,
        default=5.0,
        help="(--own-packages) the import, or the first change, comes this long after the "
        "last subscribe",
    )
    parser.add_argument(
        "--changes-per-second",
        type=float,
        default=0,
        help="(--own-packages) instead of one import: a steady stream of this many "
        "mutations a second, each raising one package's watchers, going round the catalogue "
        "in a random order; reports the delay from each change to each of its pushes",
    )
    parser.add_argument(
        "--change-seconds", type=float, default=10, help="(--changes-per-second) how long"
    )
    parser.add_argument(
        "--changes-via",
        choices=("mutation", "writer"),
        default="mutation",
        help="(--changes-per-second) mutations sent to the servers (their CPU includes the "
        "writes), or a writer process of its own using the write service, through Redis "
        "(the servers' CPU is the subscribers' alone)",
    )
    parser.add_argument("--writer", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help="(--own-packages) random draw")
    parser.add_argument(
        "--own-tokens",
        action="store_true",
        help="(--own-packages) each subscriber connects with a write token of its own, as "
        "authenticated integrations do (without: anonymous)",
    )
    parser.add_argument("--client", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--own-client", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.server_processes > 1 and not os.environ.get("REDIS_URL"):
        parser.error("--server-processes above 1 needs REDIS_URL (events cross processes)")
    if args.own_packages and not args.changes_per_second and not os.environ.get("REDIS_URL"):
        parser.error("--own-packages needs REDIS_URL (the import reaches the server through it)")
    if args.changes_via == "writer" and not os.environ.get("REDIS_URL"):
        parser.error("--changes-via writer needs REDIS_URL (the writes reach the servers so)")
    if args.writer:
        asyncio.run(_writer())
        return 0
    if args.own_client:
        asyncio.run(_own_subscriber_process(args.own_client))
        return 0
    if args.client:
        url, packages, expected, per_connection = args.client
        asyncio.run(
            _subscriber_process(url, json.loads(packages), int(expected), int(per_connection))
        )
        return 0
    broker = "Redis" if os.environ.get("REDIS_URL") else "in-process"
    if args.own_packages:
        print(f"broker: {broker}; subscribers with {args.own_packages} packages of their own")
    else:
        print(f"broker: {broker}; packages: {len(PACKAGES)}, each changed once per second")
    for count in args.subscribers:
        figures = _scenario(count, args.seconds, args)
        print(json.dumps(asyncio.run(figures)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

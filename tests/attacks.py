"""The attacks, each a request and the answer it must get, and the harness that sends one
while another client keeps asking `{ __typename }`: shared by the attack test
(tests/server/test_attacks.py) and benchmarks/protection.py.

The attacker and the bystander come from different loopback addresses (127.0.0.0/8 is
all this host's), so each has its own rate-limit budget and in-flight count, as two
clients on the internet would.
"""

from __future__ import annotations

import multiprocessing
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

BYSTANDER_ADDRESS = "127.0.0.2"
BYSTANDER_QUERY = {"query": "{ __typename }"}
_attackers = iter(range(10, 250))


def attacker_address() -> str:
    """A loopback address no earlier attack of this process used: a fresh budget each."""
    return f"127.0.0.{next(_attackers)}"


def client_from(address: str, base_url: str, timeout: float = 30.0) -> httpx.Client:
    """An HTTP client whose connections leave from `address`."""
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=base_url, timeout=timeout, transport=transport)


@dataclass
class Bystander:
    """Another client's `{ __typename }` round trips while something else runs."""

    times: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def slowest(self) -> float:
        return max(self.times, default=0.0)


def _probe(base_url: str, interval: float, ready: Any, stop: Any, results: Any) -> None:
    """The bystander's loop, in a process of its own (see `bystander`)."""
    times: list[float] = []
    failures: list[str] = []
    with client_from(BYSTANDER_ADDRESS, base_url, timeout=10.0) as client:
        client.post("/graphql", json=BYSTANDER_QUERY)
        ready.set()
        while not stop.is_set():
            started = time.perf_counter()
            try:
                response = client.post("/graphql", json=BYSTANDER_QUERY)
            except httpx.HTTPError as error:
                failures.append(repr(error))
            else:
                if response.status_code != 200:
                    failures.append(f"{response.status_code} {response.text[:200]}")
            times.append(time.perf_counter() - started)
            stop.wait(interval)
    results.send((times, failures))


@contextmanager
def bystander(base_url: str, interval: float = 0.01) -> Iterator[Bystander]:
    """Ask `{ __typename }` from BYSTANDER_ADDRESS every `interval` until the block ends
    (once warm before it starts); a refused or failed answer is a failure.

    The probe runs in a process of its own: as a thread of the attacking process it
    waited for the attack's own threads (building and sending 50 MB heads holds the
    interpreter lock), and measured the attacker's client, not the server."""
    seen = Bystander()
    context = multiprocessing.get_context("spawn")
    ready, stop = context.Event(), context.Event()
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(
        target=_probe, args=(base_url, interval, ready, stop, sending), name="bystander"
    )
    process.start()
    try:
        if not ready.wait(30.0):
            raise RuntimeError("the bystander never got its first answer")
        yield seen
    finally:
        stop.set()
        if receiving.poll(30.0):
            seen.times, seen.failures = receiving.recv()
        process.join(15.0)
        if process.is_alive():
            process.kill()


@contextmanager
def frozen_tcp_server() -> Iterator[int]:
    """A port on 127.0.0.1 that accepts connections, reads, and never answers: a frozen
    Redis (a stalled process, a partition that drops packets)."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            held.append(connection)  # never read from, never written to

    thread = threading.Thread(target=accept, name="frozen-tcp", daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(5.0)
        for connection in held:
            connection.close()
        listener.close()


def encoded(request: dict[str, Any]) -> dict[str, Any]:
    """httpx keyword arguments with a `json` body encoded now, not while the clock runs."""
    if "json" not in request:
        return request
    rest = {key: value for key, value in request.items() if key != "json"}
    headers = {"content-type": "application/json", **rest.pop("headers", {})}
    return {**rest, "content": orjson.dumps(request["json"]), "headers": headers}


def during(base_url: str, attack: Callable[[], Any]) -> tuple[Any, float, Bystander]:
    """Run `attack()` with a bystander probing: its result, its seconds, the bystander."""
    with bystander(base_url) as seen:
        started = time.perf_counter()
        result = attack()
        took = time.perf_counter() - started
    return result, took, seen


def fragment_bomb(fragments: int) -> str:
    """Each fragment spreads the next one twice: 2**fragments fields once spread."""
    definitions = " ".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(fragments)
    )
    return f"{{ ...F0 }} {definitions} fragment F{fragments} on Query {{ __typename }}"


THREE_LEVELS = (
    "{ packages(first: 100) { nodes { participants(first: 100) { nodes { "
    "packages(first: 100) { nodes { participants(first: 100) { nodes { login } } } } } } } } }"
)
SIX_LEVELS = (
    "{ categories { nodes { packages(first: 100) { nodes { grids { packages(first: 100) "
    "{ nodes { grids { packages(first: 100) { nodes { title } } } } } } } } } } }"
)
ALIASED = (
    "{ "
    + " ".join(
        f"a{i}: packages(first: 100) {{ nodes {{ participants(first: 100) "
        f"{{ nodes {{ login }} }} }} }}"
        for i in range(30)
    )
    + " }"
)
NESTED_SAME = "{ packages { nodes { " + " ".join(["grids { slug title }"] * 600) + " } } }"


@dataclass(frozen=True)
class Attack:
    name: str
    request: dict[str, Any]  # httpx.request keyword arguments
    status: int
    code: str  # the GraphQL error's extensions.code; "detail" for a REST JSON error
    before: str  # what it did before issue 14 or 22 (the issues' measurements)
    method: str = "POST"
    path: str = "/graphql"


def answer_code(response: httpx.Response) -> str:
    """The first GraphQL error's code, "detail" for a REST error (DRF's JSON shape),
    "data" for an answer without errors, "plain text" for a body that is not JSON."""
    try:
        body = response.json()
    except ValueError:
        return "plain text"
    if isinstance(body, dict) and "detail" in body:
        return "detail"
    errors = body.get("errors") if isinstance(body, dict) else None
    if not errors:
        return "data"
    return str((errors[0].get("extensions") or {}).get("code"))


def _cursor(ordering: str, *values: Any) -> str:
    from loaders.cursors import encode_cursor

    return encode_cursor(ordering, values)


def _paged(ordering: str, *values: Any) -> dict[str, Any]:
    field = ordering.split(":")[1].rsplit("_", 1)[0]
    return {
        "json": {
            "query": "query($c: String, $o: PackageOrder) "
            "{ packages(after: $c, orderBy: $o) { nodes { slug } } }",
            "variables": {
                "c": _cursor(ordering, *values),
                "o": {"field": field, "direction": "ASC"},
            },
        }
    }


FILTERED = "query($f: PackageFilter) { packages(filter: $f) { totalCount } }"


ATTACKS = [
    Attack(
        "fragment doubling, 20 fragments",
        {"json": {"query": fragment_bomb(20)}},
        200,
        "GRAPHQL_VALIDATION_FAILED",
        "event loop blocked 8.1 s",
    ),
    Attack(
        "fragment doubling, 30 fragments",
        {"json": {"query": fragment_bomb(30)}},
        200,
        "GRAPHQL_VALIDATION_FAILED",
        "hung for minutes",
    ),
    Attack(
        "fragment doubling, 1,000 fragments",
        {"json": {"query": fragment_bomb(1000)}},
        200,
        "GRAPHQL_PARSE_FAILED",
        "hung",
    ),
    Attack(
        "packages > participants > packages > participants (100 each)",
        {"json": {"query": THREE_LEVELS}},
        200,
        "QUERY_TOO_COMPLEX",
        "57 s, 41 s CPU, 1.0 GB",
    ),
    Attack(
        "categories > packages > grids > packages > grids > packages",
        {"json": {"query": SIX_LEVELS}},
        200,
        "QUERY_TOO_COMPLEX",
        "103 s",
    ),
    Attack(
        "30 aliases of packages(first: 100) > participants(first: 100)",
        {"json": {"query": ALIASED}},
        200,
        "QUERY_TOO_COMPLEX",
        "multiplied any query by 30",
    ),
    Attack(
        "600 x grids { slug title } (quadratic validation)",
        {"json": {"query": NESTED_SAME}},
        200,
        "GRAPHQL_VALIDATION_FAILED",
        "event loop blocked 1.2 s",
    ),
    Attack(
        "nodes(ids:) with 100,000 ids",
        {
            "json": {
                "query": "query($i: [ID!]!) { nodes(ids: $i) { id } }",
                "variables": {"i": ["x"] * 100_000},
            }
        },
        400,
        "BAD_USER_INPUT",
        "all 100,000 taken",
    ),
    Attack(
        "10 MB body",
        {
            "content": b"{" + b" " * 10_000_000 + b"}",
            "headers": {"content-type": "application/json"},
        },
        413,
        "PAYLOAD_TOO_LARGE",
        "read whole (400 MB: 1.24 GB RSS)",
    ),
    Attack(
        "PackageFilter with 20,000 unknown keys (200 KB)",
        {"json": {"query": FILTERED, "variables": {"f": {f"k{i}": 1 for i in range(20_000)}}}},
        400,
        "BAD_USER_INPUT",
        "event loop blocked 24 s (checked twice, quadratic)",
    ),
    Attack(
        "PackageFilter with 80,000 unknown keys (0.9 MB)",
        {"json": {"query": FILTERED, "variables": {"f": {f"k{i}": 1 for i in range(80_000)}}}},
        400,
        "BAD_USER_INPUT",
        "event loop blocked over 20 min, SIGTERM ignored",
    ),
    Attack(
        "cursor holding 2^63",
        _paged("package:ID_ASC", 2**63),
        200,
        "BAD_USER_INPUT",
        "INTERNAL_SERVER_ERROR",
    ),
    Attack(
        "cursor holding a naive time",
        _paged("package:LAST_UPDATED_ASC", "2024-01-01T00:00:00", 1),
        200,
        "BAD_USER_INPUT",
        "INTERNAL_SERVER_ERROR",
    ),
    Attack(
        "cursor holding year 1",
        _paged("package:LAST_UPDATED_ASC", "0001-01-01T00:00:00+00:00", 1),
        200,
        "BAD_USER_INPUT",
        "INTERNAL_SERVER_ERROR",
    ),
    Attack(
        "node(id:) over 64 bits",
        {
            "json": {
                "query": "query($i: ID!) { node(id: $i) { id } }",
                "variables": {"i": "UGFja2FnZToxODQ0Njc0NDA3MzcwOTU1MTYxNw=="},  # Package:2^64+1
            }
        },
        200,
        "BAD_USER_INPUT",
        "INTERNAL_SERVER_ERROR",
    ),
    Attack(
        "search of 50,010 characters",
        {"json": {"query": '{ search(query: "%s") { __typename } }' % ("x" * 50_010)}},
        200,
        "QUERY_TOO_COMPLEX",  # 100 points and 1 a character, counted before the length check
        "INTERNAL_SERVER_ERROR (SQLite: LIKE pattern too complex)",
    ),
    Attack(
        "NUL in a search term",
        {"json": {"query": '{ search(query: "a\\u0000") { __typename } }'}},
        200,
        "BAD_USER_INPUT",
        "INTERNAL_SERVER_ERROR on PostgreSQL",
    ),
    Attack(
        "REST /api/v4/packages/2147483648/",
        {},
        404,
        "detail",
        "plain-text 500 on PostgreSQL",
        method="GET",
        path="/api/v4/packages/2147483648/",
    ),
]

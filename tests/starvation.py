"""Attacks in which one client tries to starve the others (issue 22): huge request heads,
idle sockets held open, and many long searches at once. Each comes from one loopback
address of its own (`tests.attacks.attacker_address`), as one host on the internet.
Shared by tests/server/test_starvation.py and benchmarks/starvation.py.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

import httpx
import orjson

from tests.attacks import client_from

HUGE_HEADER_BYTES = 50 * 1024 * 1024
"""The issue's header: 50 MB, 20 connections at once took the process to 945 MB."""
SEARCH = "query Search($q: String!) { search(query: $q, first: 10) { __typename } }"


def host_port(base_url: str) -> tuple[str, int]:
    parts = urlsplit(base_url)
    assert parts.hostname is not None and parts.port is not None
    return parts.hostname, parts.port


@dataclass(frozen=True)
class HeadAnswer:
    """What one connection sending a huge head got back, and when it ended."""

    status: int | None  # None: closed without an answer the client could read
    body: bytes
    seconds: float


def _read_answer(sock: socket.socket) -> bytes:
    chunks: list[bytes] = []
    try:
        while sum(map(len, chunks)) < 65536:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    except OSError:
        pass
    return b"".join(chunks)


@cache
def _filler(size: int) -> memoryview:
    """One header value shared by every sender (20 copies of 50 MB would load the client
    process, and so the bystander's measurements, more than the server)."""
    return memoryview(b"a" * size)


def send_huge_head(base_url: str, address: str, size: int) -> HeadAnswer:
    """One request whose head holds a `size`-byte header, sent from `address`."""
    host, port = host_port(base_url)
    filler = _filler(size)
    started = time.perf_counter()
    with socket.create_connection((host, port), timeout=10, source_address=(address, 0)) as sock:
        try:
            sock.sendall(b"POST /graphql HTTP/1.1\r\nhost: x\r\nx-huge: ")
            sock.sendall(filler)
            sock.sendall(b"\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}")
        except OSError:
            pass  # the server stopped reading: what it answered may still be there
        answer = _read_answer(sock)
    took = time.perf_counter() - started
    status_line, _, rest = answer.partition(b"\r\n")
    status = int(status_line.split()[1]) if status_line.startswith(b"HTTP/1.1 ") else None
    return HeadAnswer(status, rest.partition(b"\r\n\r\n")[2], took)


def huge_heads(
    base_url: str, address: str, *, connections: int = 20, size: int = HUGE_HEADER_BYTES
) -> list[HeadAnswer]:
    """`connections` huge heads from `address` at once."""
    with ThreadPoolExecutor(connections) as pool:
        futures = [pool.submit(send_huge_head, base_url, address, size) for _ in range(connections)]
        return [future.result() for future in futures]


@contextmanager
def idle_sockets(base_url: str, address: str, count: int) -> Iterator[list[socket.socket]]:
    """`count` connections from `address` that never send a byte, open for the block."""
    host, port = host_port(base_url)
    with ExitStack() as stack:
        opened = [
            stack.enter_context(socket.create_connection((host, port), 10, (address, 0)))
            for _ in range(count)
        ]
        yield opened


@contextmanager
def search_clients(base_url: str, address: str, count: int = 40) -> Iterator[list[httpx.Client]]:
    """`count` clients from `address`, each with a connection of its own, made (and
    connected) before the attack, so the attack's clock measures the server."""
    with ExitStack() as stack:
        clients = [
            stack.enter_context(client_from(address, base_url, timeout=30.0)) for _ in range(count)
        ]
        for client in clients:
            client.get("/healthz")
        yield clients


def long_searches(clients: list[httpx.Client], length: int = 20_000) -> list[httpx.Response]:
    """A search for a `length`-character text from each client, all at once."""
    body = orjson.dumps({"query": SEARCH, "variables": {"q": "x" * length}})
    headers = {"content-type": "application/json"}
    with ThreadPoolExecutor(len(clients)) as pool:
        return list(pool.map(lambda c: c.post("/graphql", content=body, headers=headers), clients))


def rss_bytes(pid: int) -> int:
    """A process's resident memory (Linux)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS for process {pid}")

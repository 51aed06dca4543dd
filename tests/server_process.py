"""Run `python -m server` as a real process on a free port, as a user would."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class RunningServer:
    url: str
    process: subprocess.Popen[bytes]
    output: str = ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"server not up after {timeout}s")


@contextmanager
def running_server(
    workdir: Path, env: dict[str, str], *args: str, timeout: float = 30.0
) -> Iterator[RunningServer]:
    """Start the server with `env` on top of a clean environment; stop it afterwards."""
    port = free_port()
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    process = subprocess.Popen(
        [sys.executable, "-m", "server", "--port", str(port), *args],
        cwd=workdir,
        # Run this checkout's code, whatever is installed in the environment.
        env={**base, "PYTHONPATH": str(ROOT), "LOG_LEVEL": "warning", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    server = RunningServer(url=f"http://127.0.0.1:{port}", process=process)
    try:
        _wait_until_up(f"{server.url}/healthz", process, timeout)
        yield server
    finally:
        process.terminate()
        server.output = process.communicate(timeout=15)[0].decode()

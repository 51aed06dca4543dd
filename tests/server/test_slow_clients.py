"""A connection that never finishes its request head is closed (issue 14: 3,000 such
connections were held open). Runs the real server: the deadline lives in its protocol."""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from tests.server_process import running_server


def test_a_silent_or_slow_head_is_closed_and_a_prompt_client_served(tmp_path: Path) -> None:
    env = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'slow.db'}",
        "LOAD_DEMO_DATA": "false",
        "DEMO_SYNTHETIC_PACKAGES": "0",
        "HEADER_TIMEOUT_SECONDS": "0.5",
    }
    with running_server(tmp_path, env) as server:
        address = urlsplit(server.url)
        assert address.hostname and address.port
        for opening in (b"", b"GET /healthz HTTP/1.1\r\nHost: x\r\n"):  # silent; no blank line
            with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
                sock.sendall(opening)
                # Closed by the server: recv returns b"" (without the deadline it would
                # wait out the 10 s socket timeout and raise).
                assert sock.recv(1024) == b""
        assert httpx.get(f"{server.url}/healthz", timeout=10).status_code == 200

"""A server told to stop (SIGTERM) closes its WebSockets with 1001, going away, and exits
cleanly (issue 14): subscribers reconnect elsewhere and resume with `lastEventId`."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from websockets.exceptions import ConnectionClosed

from tests.server_process import running_server
from tests.subscriptions.wsclient import GraphQLSocket


async def test_sigterm_closes_websockets_with_going_away(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'shutdown.db'}"}
    with running_server(tmp_path, env) as server:
        ws_url = server.url.replace("http://", "ws://") + "/graphql"
        socket = await GraphQLSocket.open(ws_url)
        await socket.subscribe("subscription { packageChanged(ids: [1]) { title } }")
        server.process.send_signal(signal.SIGTERM)
        try:
            while True:  # whatever comes first (a keep-alive), then the close
                await asyncio.wait_for(socket.connection.recv(), 15)
        except ConnectionClosed as closed:
            assert closed.rcvd is not None
            assert closed.rcvd.code == 1001
            assert "shutting down" in closed.rcvd.reason
        # uvicorn re-raises the signal once its shutdown is done: the exit says SIGTERM.
        assert await asyncio.to_thread(server.process.wait, 15) == -signal.SIGTERM
    assert "Traceback" not in server.output

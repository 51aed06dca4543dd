"""Over WebSocket the token travels in `connection_init`: a bad one closes the connection
(4403), none leaves it anonymous, a good one authorises mutations sent over it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from strawberry import relay
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from auth import Scope, issue_token
from core.db import Database
from core.settings import Settings
from tests.server_process import running_server

RENAME = (
    "mutation ($id: ID!) { updatePackage(id: $id, expectedVersion: 1, "
    'input: {title: "renamed"}) { title version } }'
)


async def _issue(url: str) -> str:
    db = Database.from_settings(Settings(database_url=url, _env_file=None))
    try:
        await db.create_tables()
        return (await issue_token(db, name="ws", scope=Scope.WRITE)).token
    finally:
        await db.dispose()


async def _mutate(ws_url: str, payload: dict[str, Any]) -> dict[str, Any]:
    async with connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        variables = {"id": relay.to_base64("Package", 1326)}
        subscribe = {"query": RENAME, "variables": variables}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": subscribe}))
        message: dict[str, Any] = json.loads(await ws.recv())
        assert message["type"] == "next"
        return message["payload"]


async def test_the_token_in_connection_init_authorises_mutations(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'ws.db'}"
    token = await _issue(url)
    with running_server(tmp_path, {"DATABASE_URL": url}) as server:
        ws_url = server.url.replace("http://", "ws://") + "/graphql"
        anonymous = await _mutate(ws_url, {})
        assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        with pytest.raises(ConnectionClosed) as closed:
            await _mutate(ws_url, {"authorization": "Bearer dpg_000000000000_nope"})
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
        good = await _mutate(ws_url, {"authorization": f"Bearer {token}"})
        assert good["data"]["updatePackage"] == {"title": "renamed", "version": 2}

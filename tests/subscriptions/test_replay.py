"""Resuming after a disconnect: `lastEventId` replays what was missed, within the window."""

from __future__ import annotations

from tests.schema.mutations.conftest import gid
from tests.subscriptions.wsclient import GraphQLSocket

SUBSCRIBE = """
subscription ($after: String) {
  packageChanged(ids: [1], lastEventId: $after) { title repoWatchers }
}"""
UPDATE = """
mutation ($id: ID!, $v: Int!, $input: UpdatePackageInput!) {
  updatePackage(id: $id, expectedVersion: $v, input: $input) { version }
}"""


async def _update(live, tokens, version: int, **fields) -> None:
    variables = {"id": gid("Package", 1), "v": version, "input": fields}
    await live.mutate(UPDATE, variables, token=tokens.write)


async def test_a_reconnecting_client_gets_what_it_missed(catalogue, live, tokens):
    async with await GraphQLSocket.open(live.ws_url) as ws:
        await ws.subscribe(SUBSCRIBE)
        await _update(live, tokens, 1, title="seen")
        last_seen = (await ws.next_payload())["extensions"]["eventId"]
    await _update(live, tokens, 2, title="missed")
    await _update(live, tokens, 3, repoWatchers=77)
    async with await GraphQLSocket.open(live.ws_url) as ws:
        await ws.subscribe(SUBSCRIBE, {"after": last_seen})
        caught_up = await ws.next_payload()
        assert caught_up["data"] == {"packageChanged": {"title": "missed", "repoWatchers": 77}}
        await ws.expect_silence(0.3)  # both missed events, one object: one message
        await _update(live, tokens, 4, title="live again")
        assert (await ws.next_payload())["data"]["packageChanged"]["title"] == "live again"


async def test_an_id_the_server_never_gave_is_expired(catalogue, live, tokens):
    await _update(live, tokens, 1, title="one")
    async with await GraphQLSocket.open(live.ws_url) as ws:
        await ws.subscribe(SUBSCRIBE, {"after": "999999"})
        error = (await ws.next_payload())["errors"][0]
        assert error["extensions"]["code"] == "EVENTS_EXPIRED"
        assert error["extensions"]["lastEventId"] == "999999"
        assert (await ws.receive())["type"] == "complete"
        await ws.subscribe(SUBSCRIBE, {"after": "not-an-id"})
        error = (await ws.next_payload())["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"

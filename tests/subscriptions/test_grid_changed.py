"""gridChanged: members, features and cells, each sent only to the selections they touch,
and only for the grids named."""

from __future__ import annotations

import asyncio

import httpx

from tests.schema.mutations.conftest import gid
from tests.subscriptions.wsclient import GraphQLSocket

MEMBERS = 'subscription { gridChanged(slugs: ["grid-1"]) { packages { totalCount } } }'
FEATURES = 'subscription { gridChanged(slugs: ["grid-1"]) { features { title } } }'
CELLS = (
    'subscription { gridChanged(slugs: ["grid-1"]) '
    "{ comparison { rows { package { databaseId } cells { feature { id } text } } } } }"
)
REMOVE = """
mutation ($g: ID!, $p: ID!) { removePackageFromGrid(gridId: $g, packageId: $p) { version } }"""
CREATE_FEATURE = """
mutation ($g: ID!, $t: String!) { createFeature(gridId: $g, input: {title: $t}) { id } }"""
SET_ELEMENT = """
mutation ($g: ID!, $p: ID!, $f: Int!, $t: String!) {
  setElement(gridId: $g, packageId: $p, featureId: $f, text: $t) { text }
}"""


async def _feature_ids(live, grid: int) -> list[int]:
    async with httpx.AsyncClient(timeout=10) as http:
        answer = await http.post(
            live.http_url, json={"query": f"{{ grid(id: {grid}) {{ features {{ id }} }} }}"}
        )
    return [feature["id"] for feature in answer.json()["data"]["grid"]["features"]]


async def _remove(live, tokens, grid: int, package: int) -> None:
    await live.mutate(
        REMOVE, {"g": gid("Grid", grid), "p": gid("Package", package)}, token=tokens.write
    )


async def _create_feature(live, tokens, grid: int, title: str) -> None:
    await live.mutate(CREATE_FEATURE, {"g": gid("Grid", grid), "t": title}, token=tokens.write)


async def _set_element(live, tokens, grid: int, package: int, feature: int, text: str) -> None:
    variables = {"g": gid("Grid", grid), "p": gid("Package", package), "f": feature, "t": text}
    await live.mutate(SET_ELEMENT, variables, token=tokens.write)


async def _until_subscribed(live, count: int) -> None:
    hub = live.app.state.hub
    for _ in range(500):
        if hub.subscriptions >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{hub.subscriptions} subscriptions, expected {count}")


async def test_removing_a_member_sends_the_new_total(catalogue, live, tokens):
    async with await GraphQLSocket.open(live.ws_url) as ws:
        await ws.subscribe(MEMBERS)
        await _until_subscribed(live, 1)
        await _remove(live, tokens, 1, 1)
        payload = await ws.next_payload()
        assert payload["data"] == {"gridChanged": {"packages": {"totalCount": 2}}}
        assert payload["extensions"]["eventId"]


async def test_features_hear_new_features_but_not_cells(catalogue, live, tokens):
    feature = (await _feature_ids(live, 1))[0]
    async with await GraphQLSocket.open(live.ws_url) as ws:
        await ws.subscribe(FEATURES)
        await _until_subscribed(live, 1)
        await _set_element(live, tokens, 1, 1, feature, "yes")
        await ws.expect_silence()
        await _create_feature(live, tokens, 1, "Async")
        titles = (await ws.next_payload())["data"]["gridChanged"]["features"]
        assert len(titles) == 3
        assert {"title": "Async"} in titles


async def test_cells_hear_set_element(catalogue, live, tokens):
    feature = (await _feature_ids(live, 1))[0]
    async with await GraphQLSocket.open(live.ws_url) as ws:
        await ws.subscribe(CELLS)
        await _until_subscribed(live, 1)
        await _set_element(live, tokens, 1, 2, feature, "yes")
        rows = (await ws.next_payload())["data"]["gridChanged"]["comparison"]["rows"]
        cells = {
            (row["package"]["databaseId"], cell["feature"]["id"]): cell["text"]
            for row in rows
            for cell in row["cells"]
        }
        assert cells[(2, feature)] == "yes"
        assert [text for key, text in cells.items() if key != (2, feature)].count("yes") == 0


async def test_changes_to_another_grid_are_not_sent(catalogue, live, tokens):
    grid_2_feature = (await _feature_ids(live, 2))[0]
    async with (
        await GraphQLSocket.open(live.ws_url) as members,
        await GraphQLSocket.open(live.ws_url) as features,
        await GraphQLSocket.open(live.ws_url) as cells,
    ):
        for socket, query in ((members, MEMBERS), (features, FEATURES), (cells, CELLS)):
            await socket.subscribe(query)
        await _until_subscribed(live, 3)
        await _set_element(live, tokens, 2, 1, grid_2_feature, "elsewhere")
        await _create_feature(live, tokens, 2, "Elsewhere")
        await _remove(live, tokens, 2, 1)
        await members.expect_silence()
        await features.expect_silence(0.1)
        await cells.expect_silence(0.1)
        # Still listening: a change to grid 1 reaches every selection it touches.
        await _remove(live, tokens, 1, 3)
        assert (await members.next_payload())["data"]["gridChanged"]["packages"] == {
            "totalCount": 2
        }
        rows = (await cells.next_payload())["data"]["gridChanged"]["comparison"]["rows"]
        assert sorted(row["package"]["databaseId"] for row in rows) == [1, 2]
        await features.expect_silence(0.1)

"""A subscription started from GraphiQL in Chromium receives a change pushed by the server.

GraphiQL's graphql-ws client is what most people first try subscriptions with; it closes
the connection on a binary frame, so this also guards the text-frame contract end to end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import Site, needs_chromium

if TYPE_CHECKING:
    from playwright.async_api import Browser, WebSocket

pytest.importorskip("playwright.async_api", reason="playwright is not installed")
pytestmark = needs_chromium

FIRST_PACKAGE = "{ packages(first: 1) { nodes { id slug title version } } }"
UPDATE = """
mutation ($id: ID!, $v: Int!, $input: UpdatePackageInput!) {
  updatePackage(id: $id, expectedVersion: $v, input: $input) { version }
}"""


async def test_graphiql_subscription_shows_a_pushed_change(site: Site, browser: Browser) -> None:
    [package] = (await site.query(FIRST_PACKAGE))["packages"]["nodes"]
    subscription = (
        f'subscription LiveTitle {{\n  packageChanged(slugs: ["{package["slug"]}"]) '
        "{\n    slug\n    title\n  }\n}"
    )
    page = await browser.new_page()
    binary_frames: list[bytes] = []
    closed_sockets: list[str] = []

    def watch(ws: WebSocket) -> None:
        ws.on("framereceived", lambda p: binary_frames.append(p) if isinstance(p, bytes) else None)
        ws.on("close", lambda closed: closed_sockets.append(closed.url))

    page.on("websocket", watch)
    await page.goto(f"{site.url}/graphql")
    await page.wait_for_selector(".graphiql-query-editor .CodeMirror", timeout=15_000)
    # Replace the open tab's query the way a paste would, then run it.
    await page.evaluate(
        "(q) => document.querySelector('.graphiql-query-editor .CodeMirror')"
        ".CodeMirror.setValue(q)",
        subscription,
    )
    # GraphiQL parses an edit after a short debounce and runs whatever it parsed last:
    # wait until it knows the operation is our subscription, or it would POST the old one.
    await page.wait_for_function(
        """() => {
          const editor = document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror;
          return editor.operationName === 'LiveTitle'
            && editor.documentAST?.definitions[0]?.operation === 'subscription';
        }"""
    )
    await page.locator(".graphiql-execute-button").click()

    await site.wait_until(
        lambda: site.subscriptions() == 1 or bool(binary_frames) or bool(closed_sockets),
        "GraphiQL's subscription to reach the server",
    )
    assert binary_frames == [], f"the server sent binary WebSocket frames: {binary_frames[:3]}"
    assert closed_sockets == [], "GraphiQL's WebSocket closed before subscribing"
    assert site.subscriptions() == 1

    new_title = f"{package['title']} (live from GraphiQL)"
    await site.mutate(
        UPDATE, {"id": package["id"], "v": package["version"], "input": {"title": new_title}}
    )
    await page.wait_for_function(
        "(title) => document.querySelector('.result-window')?.innerText.includes(title)",
        arg=new_title,
        timeout=15_000,
    )
    result = await page.locator(".result-window").inner_text()
    assert '"packageChanged"' in result and package["slug"] in result, result
    assert binary_frames == [] and closed_sockets == []

    # Stopping the subscription in GraphiQL ends it on the server too.
    await page.locator(".graphiql-execute-button").click()
    await site.wait_until(lambda: site.subscriptions() == 0, "the subscription to end")
    await page.close()

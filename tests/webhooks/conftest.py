"""A live server running webhooks, a real receiver, and helpers to edit packages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from core.db import Database
from core.settings import Settings
from tests.schema.mutations.conftest import Tokens, catalogue, gid, tokens  # noqa: F401
from tests.subscriptions.conftest import (  # noqa: F401
    Endpoint,
    LiveServer,
    live,
    live_server,
    live_settings,
)
from tests.webhooks.receiver import Receiver, running_receiver

WATCH_TITLES = """subscription ($slugs: [String!]) {
  packageChanged(slugs: $slugs) { slug title }
}"""

CREATE = """mutation ($input: CreateWebhookInput!) {
  createWebhook(input: $input) { secret webhook { id databaseId name status } }
}"""

UPDATE = """mutation ($id: ID!, $v: Int!, $input: UpdatePackageInput!) {
  updatePackage(id: $id, expectedVersion: $v, input: $input) { version }
}"""


@pytest.fixture
def hook_settings(live_settings: Settings) -> Settings:  # noqa: F811
    """Quick polls and retries; the receiver is on 127.0.0.1, so private targets are allowed."""
    return live_settings.model_copy(
        update={
            "webhook_allow_private_targets": True,
            "webhook_poll_seconds": 0.05,
            "webhook_retry_base_seconds": 0.05,
            "webhook_retry_max_seconds": 0.5,
            "webhook_lease_seconds": 5,
            "webhook_max_failures": 4,
        }
    )


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with running_receiver() as running:
        yield running


@pytest.fixture
async def hooked(
    db: Database,
    hook_settings: Settings,
    catalogue: Database,  # noqa: F811
) -> AsyncIterator[LiveServer]:
    async with live_server(db, hook_settings) as server:
        yield server


async def graphql(
    server: Endpoint, document: str, variables: dict[str, Any] | None = None, *, token: str
) -> dict[str, Any]:
    """The whole answer (errors included) of a POST to the server."""
    return await server.answer(document, variables, token=token)


async def create_webhook(
    server: Endpoint,
    credentials: Tokens,
    url: str,
    *,
    name: str = "titles",
    slugs: tuple[str, ...] = ("package-1", "package-2"),
    **extra: Any,
) -> dict[str, Any]:
    variables = {"slugs": list(slugs)}
    answer = await graphql(
        server,
        CREATE,
        {
            "input": {
                "name": name,
                "url": url,
                "document": WATCH_TITLES,
                "variables": variables,
                **extra,
            }
        },
        token=credentials.admin,
    )
    assert "errors" not in answer, answer
    created: dict[str, Any] = answer["data"]["createWebhook"]
    return created


async def retitle(server: Endpoint, credentials: Tokens, package: int, title: str) -> None:
    answer = await graphql(
        server,
        "query ($id: Int!) { package(id: $id) { version } }",
        {"id": package},
        token=credentials.write,
    )
    version = answer["data"]["package"]["version"]
    await server.mutate(
        UPDATE,
        {"id": gid("Package", package), "v": version, "input": {"title": title}},
        token=credentials.write,
    )


STATUS = """query ($id: ID!) {
  webhook(id: $id) {
    status pausedReason failures pendingDeliveries
    lastDelivery { status attempts lastStatusCode messageId }
    deliveries(first: 10) { databaseId sequence status attempts eventId payload }
  }
}"""


async def settled_status(
    server: Endpoint, credentials: Tokens, webhook_id: str, done: Any
) -> dict[str, Any]:
    """The webhook's status once `done(status)` holds: the receiver has its answer a moment
    before the server records it, so the test polls (bounded) for the recorded state."""
    for _ in range(500):
        answer = await graphql(server, STATUS, {"id": webhook_id}, token=credentials.admin)
        status = answer["data"]["webhook"]
        if done(status):
            return status
        await asyncio.sleep(0.01)
    raise AssertionError(f"never reached: {status}")


def all_delivered(status: dict[str, Any]) -> bool:
    return status["pendingDeliveries"] == 0

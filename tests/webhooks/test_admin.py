"""Managing webhooks over GraphQL: admin scope, clear errors for bad input, rotation,
redelivery, deletion, and a listing whose statement count does not grow with its size."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from standardwebhooks.webhooks import Webhook as Verifier

from core.db import Database
from core.request_context import request_id
from tests.schema.mutations.conftest import Tokens
from tests.subscriptions.conftest import LiveServer
from tests.webhooks.conftest import CREATE, WATCH_TITLES, create_webhook, graphql, retitle
from tests.webhooks.receiver import Receiver

LIST = """{ webhooks { name status pendingDeliveries lastDelivery { status }
  deliveries(first: 5) { sequence } } }"""


def new_input(target: str, **changes: Any) -> dict[str, Any]:
    return {
        "input": {
            "name": "hook",
            "url": target,
            "document": WATCH_TITLES,
            "variables": {"slugs": ["package-1"]},
            **changes,
        }
    }


def refusal(answer: dict[str, Any]) -> dict[str, Any]:
    assert answer.get("data") is None, answer
    [error] = answer["errors"]
    assert "Traceback" not in error["message"]
    result: dict[str, Any] = error
    return result


async def test_only_an_admin_token_manages_webhooks(
    hooked: LiveServer, tokens: Tokens, receiver: Receiver
) -> None:
    answer = await graphql(hooked, CREATE, new_input(receiver.url), token=tokens.write)
    assert refusal(answer)["extensions"]["code"] == "FORBIDDEN"
    answer = await graphql(hooked, "{ webhooks { name } }", token=tokens.write)
    assert refusal(answer)["extensions"]["code"] == "FORBIDDEN"
    assert (await graphql(hooked, LIST, token=tokens.admin))["data"]["webhooks"] == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"document": "query { categories { totalCount } }"}, "must be `subscription"),
        ({"document": "subscription {"}, "does not parse"),
        ({"document": "subscription { nope }"}, "Cannot query field 'nope'"),
        (
            {"document": 'subscription { packageChanged(categorySlug: "no-such") { slug } }'},
            "no-such",
        ),
        (
            {"document": 'subscription { packageChanged(lastEventId: "1-1") { slug } }'},
            "Leave `lastEventId` out",
        ),
        ({"secret": "whsec_tooshort"}, "'secret' must be"),
        ({"url": "ftp://example.org/"}, "http"),
        ({"name": " "}, "'name' must be"),
        ({"variables": [1, 2]}, "JSON object"),
    ],
)
async def test_bad_input_is_refused_with_nothing_written(
    hooked: LiveServer, tokens: Tokens, receiver: Receiver, changes: dict[str, Any], message: str
) -> None:
    answer = await graphql(hooked, CREATE, new_input(receiver.url, **changes), token=tokens.admin)
    error = refusal(answer)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert message in error["message"]
    assert (await graphql(hooked, LIST, token=tokens.admin))["data"]["webhooks"] == []


async def test_a_private_target_is_refused_unless_allowed(
    db: Database, live: LiveServer, tokens: Tokens, receiver: Receiver
) -> None:
    answer = await graphql(live, CREATE, new_input(receiver.url), token=tokens.admin)
    error = refusal(answer)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["reason"] == "TARGET_REFUSED"
    assert "127.0.0.1" in error["message"]


async def test_a_name_is_unique(hooked: LiveServer, tokens: Tokens, receiver: Receiver) -> None:
    await create_webhook(hooked, tokens, receiver.url, name="same")
    answer = await graphql(hooked, CREATE, new_input(receiver.url, name="same"), token=tokens.admin)
    assert refusal(answer)["extensions"]["code"] == "CONFLICT"


async def test_a_rotated_secret_signs_beside_the_old_one(
    hooked: LiveServer, tokens: Tokens, receiver: Receiver
) -> None:
    created = await create_webhook(hooked, tokens, receiver.url)
    answer = await graphql(
        hooked,
        "mutation ($id: ID!) { rotateWebhookSecret(id: $id) { secret "
        "webhook { previousSecretValidUntil } } }",
        {"id": created["webhook"]["id"]},
        token=tokens.admin,
    )
    rotated = answer["data"]["rotateWebhookSecret"]
    assert rotated["secret"] != created["secret"]
    assert rotated["webhook"]["previousSecretValidUntil"] is not None
    await retitle(hooked, tokens, 1, "Rotated")
    [delivered] = await receiver.wait_accepted(1)
    assert len(delivered.headers["webhook-signature"].split(" ")) == 2
    for secret in (created["secret"], rotated["secret"]):
        Verifier(secret).verify(delivered.body, delivered.headers)


async def test_redelivery_sends_the_same_message_again(
    hooked: LiveServer, tokens: Tokens, receiver: Receiver
) -> None:
    created = await create_webhook(hooked, tokens, receiver.url)
    await retitle(hooked, tokens, 1, "Again")
    [first] = await receiver.wait_accepted(1)
    answer = await graphql(
        hooked,
        "query ($id: ID!) { webhook(id: $id) { deliveries(first: 1) { id } } }",
        {"id": created["webhook"]["id"]},
        token=tokens.admin,
    )
    delivery_id = answer["data"]["webhook"]["deliveries"][0]["id"]
    answer = await graphql(
        hooked,
        "mutation ($id: ID!) { redeliverWebhookDelivery(id: $id) { sequence status } }",
        {"id": delivery_id},
        token=tokens.admin,
    )
    assert answer["data"]["redeliverWebhookDelivery"] == {"sequence": 2, "status": "PENDING"}
    again = (await receiver.wait_accepted(2))[1]
    assert again.headers["webhook-id"] == first.headers["webhook-id"]
    assert again.body == first.body
    Verifier(created["secret"]).verify(again.body, again.headers)
    missing = await graphql(
        hooked,
        'mutation { redeliverWebhookDelivery(id: "V2ViaG9va0RlbGl2ZXJ5Ojk5OQ==") { sequence } }',
        token=tokens.admin,
    )
    assert refusal(missing)["extensions"]["code"] == "NOT_FOUND"


async def test_a_deleted_webhook_sends_nothing_more(
    hooked: LiveServer, tokens: Tokens, receiver: Receiver
) -> None:
    created = await create_webhook(hooked, tokens, receiver.url)
    await retitle(hooked, tokens, 1, "Before")
    await receiver.wait_accepted(1)
    answer = await graphql(
        hooked,
        "mutation ($id: ID!) { deleteWebhook(id: $id) { databaseId } }",
        {"id": created["webhook"]["id"]},
        token=tokens.admin,
    )
    assert answer["data"]["deleteWebhook"]["databaseId"] == created["webhook"]["databaseId"]
    runner = hooked.app.state.webhook_runner
    await runner.tick()  # what the poke started: the runner lets go of it
    assert runner.held == {}
    # A second webhook shows the change after the deletion is followed; the deleted one
    # did not send it.
    await create_webhook(hooked, tokens, receiver.url, name="second")
    await retitle(hooked, tokens, 1, "After")
    accepted = await receiver.wait_accepted(2)
    assert [r.body.count(b"After") for r in accepted] == [0, 1]
    assert len(receiver.received) == 2


@contextmanager
def request_statements(db: Database) -> Iterator[list[str]]:
    """Statements sent while serving a request (the runner's own polling is left out)."""
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if request_id() is not None and "webhook" in statement.lower():
            statements.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)


async def test_listing_costs_the_same_statements_for_one_or_many(
    db: Database, hooked: LiveServer, tokens: Tokens, receiver: Receiver
) -> None:
    await create_webhook(hooked, tokens, receiver.url, name="w1")
    with request_statements(db) as one:
        answer = await graphql(hooked, LIST, token=tokens.admin)
    assert len(answer["data"]["webhooks"]) == 1
    for number in range(2, 7):
        await create_webhook(hooked, tokens, receiver.url, name=f"w{number}")
    with request_statements(db) as six:
        answer = await graphql(hooked, LIST, token=tokens.admin)
    assert len(answer["data"]["webhooks"]) == 6
    # the webhooks, their newest deliveries, their pending counts
    assert len(one) == len(six) == 3, six

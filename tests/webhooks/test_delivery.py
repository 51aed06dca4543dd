"""Webhooks deliver a subscription's results to a real receiver on 127.0.0.1, signed as
Standard Webhooks says (checked with the reference `standardwebhooks` library), in order,
at least once, surviving failures and restarts (issue 15)."""

from __future__ import annotations

import orjson
from prometheus_client import REGISTRY
from standardwebhooks.webhooks import Webhook as Verifier

from core.db import Database
from core.settings import Settings
from tests.schema.mutations.conftest import Tokens
from tests.subscriptions.conftest import LiveServer, live_server
from tests.webhooks.conftest import all_delivered, create_webhook, graphql, retitle, settled_status
from tests.webhooks.receiver import Receiver

PACKAGES = ("package-1", "package-2", "package-3")


async def test_each_change_is_posted_signed_and_verifies(
    hooked: LiveServer, tokens: Tokens, receiver: Receiver
) -> None:
    created = await create_webhook(hooked, tokens, receiver.url)
    await retitle(hooked, tokens, 1, "First")
    await retitle(hooked, tokens, 2, "Second")
    await receiver.wait_accepted(2)  # "First" was read before package 1 changes again
    await retitle(hooked, tokens, 3, "Not followed")
    await retitle(hooked, tokens, 1, "Third")
    accepted = await receiver.wait_accepted(3)
    verifier = Verifier(created["secret"])
    payloads = [verifier.verify(r.body, r.headers) for r in accepted]
    assert [p["data"]["packageChanged"] for p in payloads] == [
        {"slug": "package-1", "title": "First"},
        {"slug": "package-2", "title": "Second"},
        {"slug": "package-1", "title": "Third"},
    ]
    assert {p["type"] for p in payloads} == {"packageChanged"}
    assert all(p["eventId"] for p in payloads)
    assert len({r.headers["webhook-id"] for r in accepted}) == 3
    # A tampered body does not verify.
    tampered = accepted[0].body.replace(b"First", b"Forged")
    try:
        verifier.verify(tampered, accepted[0].headers)
    except Exception as error:
        assert "signature" in str(error).lower()
    else:
        raise AssertionError("a tampered body verified")
    webhook = await settled_status(hooked, tokens, created["webhook"]["id"], all_delivered)
    assert webhook["status"] == "ACTIVE"
    assert [d["sequence"] for d in webhook["deliveries"]] == [3, 2, 1]
    assert webhook["lastDelivery"]["status"] == "DELIVERED"
    assert webhook["lastDelivery"]["lastStatusCode"] == 204


async def test_a_receiver_failing_twice_gets_the_event_once_with_one_id(
    hooked: LiveServer, tokens: Tokens, receiver: Receiver
) -> None:
    failed_before = attempts("failed")
    delivered_before = attempts("delivered")
    created = await create_webhook(hooked, tokens, receiver.url)
    receiver.fail_next(1, 503)
    receiver.fail_next(1, 429, retry_after="0")
    await retitle(hooked, tokens, 1, "Retried")
    accepted = await receiver.wait_accepted(1)
    assert [r.answered for r in receiver.received] == [503, 429, 204]
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1
    assert len(accepted) == 1
    Verifier(created["secret"]).verify(accepted[0].body, accepted[0].headers)
    webhook = await settled_status(hooked, tokens, created["webhook"]["id"], all_delivered)
    last = webhook["lastDelivery"]
    assert last["attempts"] == 3 and last["status"] == "DELIVERED"
    # Read again: the row above may have been read just before the attempt was recorded.
    webhook = await settled_status(hooked, tokens, created["webhook"]["id"], all_delivered)
    assert webhook["failures"] == 0
    assert attempts("failed") - failed_before == 2
    assert attempts("delivered") - delivered_before == 1


def attempts(outcome: str) -> float:
    value = REGISTRY.get_sample_value("dpgraph_webhook_attempts_total", {"outcome": outcome})
    return value or 0.0


async def test_deliveries_keep_their_order_behind_a_failing_one(
    hooked: LiveServer, tokens: Tokens, receiver: Receiver
) -> None:
    await create_webhook(hooked, tokens, receiver.url, slugs=PACKAGES)
    receiver.fail_next(2, 500)
    # One change per package: a subscription re-reads values, so two quick changes of
    # one package may arrive as one result with the latest value (the documented rule).
    for package, title in enumerate(("one", "two", "three"), start=1):
        await retitle(hooked, tokens, package, title)
    accepted = await receiver.wait_accepted(3)
    titles = [orjson.loads(r.body)["data"]["packageChanged"]["title"] for r in accepted]
    assert titles == ["one", "two", "three"]


async def test_too_many_failures_pause_it_and_resume_sends_what_waited(
    hooked: LiveServer, tokens: Tokens, receiver: Receiver
) -> None:
    created = await create_webhook(hooked, tokens, receiver.url)
    receiver.fail_next(4, 502)
    await retitle(hooked, tokens, 1, "Waiting")
    await receiver.wait_received(4)
    webhook_id = created["webhook"]["id"]
    webhook = await settled_status(hooked, tokens, webhook_id, lambda s: s["status"] == "PAUSED")
    assert "4 failed attempts in a row" in webhook["pausedReason"]
    assert "HTTP 502" in webhook["pausedReason"]
    assert webhook["pendingDeliveries"] == 1
    resumed = await graphql(
        hooked,
        "mutation ($id: ID!) { resumeWebhook(id: $id) { status failures } }",
        {"id": webhook_id},
        token=tokens.admin,
    )
    assert resumed["data"]["resumeWebhook"] == {"status": "ACTIVE", "failures": 0}
    accepted = await receiver.wait_accepted(1)
    assert orjson.loads(accepted[0].body)["data"]["packageChanged"]["title"] == "Waiting"
    assert len(receiver.received) == 5


async def test_a_restart_in_the_middle_loses_nothing(
    db: Database,
    hook_settings: Settings,
    catalogue: Database,
    tokens: Tokens,
    receiver: Receiver,
) -> None:
    # However long the first server lives (a loaded machine: seconds), its failed attempts
    # must not pause the webhook (`webhook_max_failures`): the restart is what is tested.
    hook_settings = hook_settings.model_copy(update={"webhook_max_failures": 1_000})
    async with live_server(db, hook_settings) as first:
        created = await create_webhook(first, tokens, receiver.url)
        receiver.fail_next(1000, 503)  # down while the changes happen
        await retitle(first, tokens, 1, "A")
        await retitle(first, tokens, 2, "B")
        await receiver.wait_received(1)
    receiver.failures.clear()  # the receiver is back
    async with live_server(db, hook_settings) as second:
        accepted = await receiver.wait_accepted(2)
        await retitle(second, tokens, 1, "C")
        accepted = await receiver.wait_accepted(3)
    verifier = Verifier(created["secret"])
    titles = [
        verifier.verify(r.body, r.headers)["data"]["packageChanged"]["title"] for r in accepted
    ]
    assert titles == ["A", "B", "C"]

"""A webhook's subscription, run by the process that holds its lease: each result is
queued as a delivery, and the webhook's cursor moves with it in the same transaction.

The stream is the same one a WebSocket subscriber gets (`Schema.stream`): the same
documents, arguments and changed-only rule. It resumes after the stored cursor, so a
restart or a takeover by another process replays what was not yet queued.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import aclosing
from datetime import UTC, datetime
from typing import Any

import orjson

from core.db import Database
from events.resume import resume_point
from models import Webhook
from webhooks import store

logger = logging.getLogger("dpgraph.webhooks")

# (webhook, resume after this event id) -> the subscription's results
StartStream = Callable[[Webhook, str | None], Awaitable[AsyncGenerator[Any, None]]]

TRANSIENT = {"EVENTS_UNAVAILABLE", "EVENTS_INTERRUPTED"}
RESTART_DELAY_SECONDS = (0.1, 5.0)


class Paused(Exception):
    """The webhook's document cannot run any more; the admin must look at it."""


def message_body(result: Any, event_id: str | None, now: datetime) -> str:
    """The Standard Webhooks payload shape: `type`, `timestamp` and `data` (GraphQL's)."""
    data = result.data or {}
    return orjson.dumps(
        {
            "type": next(iter(data), "result"),
            "timestamp": now.isoformat().replace("+00:00", "Z"),
            "eventId": event_id,
            "data": data,
        }
    ).decode()


async def follow_webhook(
    db: Database,
    owner: str,
    webhook: Webhook,
    start_stream: StartStream,
    queued: Callable[[], None],
    restart_point: Callable[[], str | None],
) -> None:
    """Runs until cancelled (the lease was lost, or the runner stops); pauses the webhook
    itself when its document fails for good (a package it names was deleted, say).

    `restart_point`: where to resume when the stored position is unknown to the broker
    (the embedded broker restarted with the server), so nothing after it is missed."""
    assert webhook.id is not None
    cursor = webhook.cursor or restart_point()
    delay = RESTART_DELAY_SECONDS[0]
    while True:
        expired = False
        stream = await start_stream(webhook, cursor)
        async with aclosing(stream):
            async for result in stream:
                if result.errors:
                    error = result.errors[0]
                    code = (error.extensions or {}).get("code")
                    if code == "EVENTS_EXPIRED":
                        restart = restart_point()
                        logger.warning(
                            "webhook %s: the broker no longer holds event %s; resuming after %s",
                            webhook.name,
                            cursor,
                            restart or "the next event",
                        )
                        await store.move_cursor(db, owner, webhook.id, restart)
                        cursor, expired = restart, True
                        break
                    if code in TRANSIENT:
                        break
                    reason = f"its subscription failed: {error.message}"
                    await store.pause(db, owner, webhook.id, reason)
                    raise Paused(reason)
                now = datetime.now(UTC)
                event_id = (result.extensions or {}).get("eventId")
                body = message_body(result, event_id, now)
                after = resume_point() or cursor
                if not await store.queue_result(db, owner, webhook.id, after, body, now, event_id):
                    return  # the lease is gone: its new holder follows from the cursor
                cursor = after
                delay = RESTART_DELAY_SECONDS[0]
                queued()
        if expired:
            continue  # at once: a change made meanwhile must not fall in a gap
        await asyncio.sleep(delay)  # the broker is reconnecting: no busy loop
        delay = min(delay * 2, RESTART_DELAY_SECONDS[1])

"""The webhook rows: who holds which webhook, the delivery queue, and the admin's edits.

Every write a runner makes is fenced by its lease: the statement that moves a webhook's
cursor or settles an attempt also checks `lease_owner`, so a process that lost its lease
(paused, stalled past expiry, taken over) changes nothing.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import Update, or_, select, update
from sqlmodel import col

from core.db import Database
from models import Webhook, WebhookDelivery
from webhooks.attempt import Outcome
from webhooks.signing import new_message_id

PENDING = "pending"
DELIVERED = "delivered"

P = ParamSpec("P")
T = TypeVar("T")
_IN_FLIGHT: set[asyncio.Task[Any]] = set()


def uncancellable(write: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """A runner's write finishes (commits or rolls back) even when the task that asked for
    it is cancelled: a SQLite write cancelled half-way can leave its connection holding the
    database's write lock, and every later writer would wait for it."""

    @functools.wraps(write)
    async def run(*args: P.args, **kwargs: P.kwargs) -> T:
        task = asyncio.ensure_future(write(*args, **kwargs))
        _IN_FLIGHT.add(task)
        task.add_done_callback(_IN_FLIGHT.discard)
        return await asyncio.shield(task)

    return run


async def finish_writes() -> None:
    """Wait for the writes whose callers were cancelled (a runner stopping)."""
    await asyncio.gather(*_IN_FLIGHT, return_exceptions=True)


@dataclass(frozen=True)
class RetryPolicy:
    max_failures: int
    base_seconds: float
    max_seconds: float


def _update_held(webhook_id: int, owner: str) -> Update:
    """An UPDATE of one webhook that changes nothing unless `owner` still holds it."""
    return update(Webhook).where(col(Webhook.id) == webhook_id, col(Webhook.lease_owner) == owner)


@uncancellable
async def take_leases(
    db: Database, owner: str, now: datetime, lease_seconds: float
) -> list[Webhook]:
    """Renew this process's leases and take every free or expired one; the webhooks held."""
    until = now + timedelta(seconds=lease_seconds)
    async with db.transaction() as session:
        await session.execute(
            update(Webhook)
            .where(
                col(Webhook.paused).is_(False),
                or_(
                    col(Webhook.lease_owner).is_(None),
                    col(Webhook.lease_owner) == owner,
                    col(Webhook.lease_expires) < now,
                ),
            )
            .values(lease_owner=owner, lease_expires=until)
        )
        rows = await session.execute(
            select(Webhook).where(col(Webhook.lease_owner) == owner, col(Webhook.paused).is_(False))
        )
        return list(rows.scalars())


@uncancellable
async def release_leases(db: Database, owner: str) -> None:
    """On shutdown: another process may take them at once instead of after expiry."""
    async with db.transaction() as session:
        await session.execute(
            update(Webhook)
            .where(col(Webhook.lease_owner) == owner)
            .values(lease_owner=None, lease_expires=None)
        )


@uncancellable
async def queue_result(
    db: Database,
    owner: str,
    webhook_id: int,
    cursor: str | None,
    payload: str,
    now: datetime,
    event_id: str | None,
) -> bool:
    """Queue one result and move the cursor (the event a replay would resume after)
    together; False: the lease is gone and nothing was written."""
    async with db.transaction() as session:
        values: dict[str, Any] = {"next_sequence": col(Webhook.next_sequence) + 1}
        if cursor is not None:
            values["cursor"] = cursor
        sequence = (
            await session.execute(
                _update_held(webhook_id, owner)
                .values(**values)
                .returning(col(Webhook.next_sequence))
            )
        ).scalar_one_or_none()
        if sequence is None:
            return False
        session.add(
            WebhookDelivery(
                webhook_id=webhook_id,
                sequence=sequence - 1,
                message_id=new_message_id(),
                event_id=event_id,
                payload=payload,
                next_attempt=now,
                created=now,
            )
        )
    return True


@uncancellable
async def move_cursor(db: Database, owner: str, webhook_id: int, cursor: str | None) -> None:
    """The broker no longer knows the cursor's event (the embedded broker restarted)."""
    async with db.transaction() as session:
        await session.execute(_update_held(webhook_id, owner).values(cursor=cursor))


@uncancellable
async def pause(db: Database, owner: str, webhook_id: int, reason: str) -> None:
    async with db.transaction() as session:
        await session.execute(
            _update_held(webhook_id, owner).values(
                paused=True, paused_reason=reason[:500], lease_owner=None, lease_expires=None
            )
        )


async def next_pending(db: Database, webhook_id: int) -> WebhookDelivery | None:
    """The oldest undelivered message: deliveries go out in order, one at a time."""
    async with db.session() as session:
        rows = await session.execute(
            select(WebhookDelivery)
            .where(
                col(WebhookDelivery.webhook_id) == webhook_id,
                col(WebhookDelivery.status) == PENDING,
            )
            .order_by(col(WebhookDelivery.sequence))
            .limit(1)
        )
        return rows.scalars().first()


@dataclass(frozen=True)
class Settled:
    held: bool  # False: the lease was lost; nothing was recorded
    paused: bool = False


@uncancellable
async def settle(
    db: Database,
    owner: str,
    delivery: WebhookDelivery,
    outcome: Outcome,
    now: datetime,
    retry_at: datetime,
    policy: RetryPolicy,
) -> Settled:
    """Record an attempt: delivered, or to retry at `retry_at`; pause the webhook after
    `max_failures` failures in a row (its lease goes with it)."""
    async with db.transaction() as session:
        webhook = (
            await session.execute(
                select(Webhook)
                .where(col(Webhook.id) == delivery.webhook_id, col(Webhook.lease_owner) == owner)
                .with_for_update()
            )
        ).scalar_one_or_none()
        if webhook is None:
            return Settled(held=False)
        attempts = delivery.attempts + 1
        common: dict[str, Any] = {
            "attempts": attempts,
            "last_attempt": now,
            "last_status_code": outcome.status_code,
            "last_error": outcome.error,
        }
        if outcome.delivered:
            common.update(status=DELIVERED, delivered=now)
            webhook.failures = 0
        else:
            common.update(next_attempt=retry_at)
            webhook.failures += 1
        await session.execute(
            update(WebhookDelivery).where(col(WebhookDelivery.id) == delivery.id).values(**common)
        )
        paused = not outcome.delivered and webhook.failures >= policy.max_failures
        if paused:
            webhook.paused = True
            webhook.paused_reason = (
                f"{webhook.failures} failed attempts in a row; the last: {outcome.error}"
            )[:500]
            webhook.lease_owner = None
            webhook.lease_expires = None
        session.add(webhook)
    return Settled(held=True, paused=paused)

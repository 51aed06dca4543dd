"""What an admin does to webhooks, as database edits (the GraphQL layer checks the scope
and the document; `schema.webhooks`)."""

from __future__ import annotations

from collections.abc import Coroutine, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from core.db import Database
from models import Webhook, WebhookDelivery
from webhooks.store import PENDING

Edit = Coroutine[Any, Any, Webhook]


class WebhookMissing(LookupError):
    pass


class NameTaken(ValueError):
    pass


async def create(
    db: Database,
    *,
    name: str,
    url: str,
    document: str,
    variables: dict[str, Any],
    operation_name: str | None,
    secret: str,
    created_by: str,
    cursor: str | None,
) -> Webhook:
    """`cursor`: the broker's latest event now, so the first follow starts here even if
    the process that takes the webhook gets to it a poll later."""
    now = datetime.now(UTC)
    webhook = Webhook(
        name=name,
        url=url,
        document=document,
        variables=variables,
        operation_name=operation_name,
        secret=secret,
        cursor=cursor,
        created=now,
        created_by=created_by,
    )
    try:
        async with db.transaction() as session:
            session.add(webhook)
    except IntegrityError:
        raise NameTaken(f"A webhook named {name!r} exists already.") from None
    return webhook


async def get(db: Database, webhook_id: int) -> Webhook:
    async with db.session() as session:
        webhook = await session.get(Webhook, webhook_id)
    if webhook is None:
        raise WebhookMissing(f"No webhook with id {webhook_id}.")
    return webhook


async def list_all(db: Database) -> list[Webhook]:
    async with db.session() as session:
        rows = await session.execute(select(Webhook).order_by(col(Webhook.id)))
        return list(rows.scalars())


async def _edit(db: Database, webhook_id: int, **values: Any) -> Webhook:
    async with db.transaction() as session:
        result = await session.execute(
            update(Webhook).where(col(Webhook.id) == webhook_id).values(**values)
        )
        if result.rowcount == 0:  # type: ignore[attr-defined]
            raise WebhookMissing(f"No webhook with id {webhook_id}.")
    return await get(db, webhook_id)


async def pause(db: Database, webhook_id: int) -> Webhook:
    return await _edit(
        db, webhook_id, paused=True, paused_reason="paused by an admin", lease_owner=None
    )


async def resume(db: Database, webhook_id: int) -> Webhook:
    """Failures start again from zero, and the pending deliveries are due at once."""
    now = datetime.now(UTC)
    async with db.transaction() as session:
        await session.execute(
            update(WebhookDelivery)
            .where(
                col(WebhookDelivery.webhook_id) == webhook_id,
                col(WebhookDelivery.status) == PENDING,
            )
            .values(next_attempt=now)
        )
    return await _edit(db, webhook_id, paused=False, paused_reason=None, failures=0)


async def remove(db: Database, webhook_id: int) -> None:
    async with db.transaction() as session:
        await session.execute(
            delete(WebhookDelivery).where(col(WebhookDelivery.webhook_id) == webhook_id)
        )
        result = await session.execute(delete(Webhook).where(col(Webhook.id) == webhook_id))
        if result.rowcount == 0:  # type: ignore[attr-defined]
            raise WebhookMissing(f"No webhook with id {webhook_id}.")


async def rotate_secret(
    db: Database, webhook_id: int, secret: str, previous_valid_hours: float
) -> Webhook:
    """The old secret keeps signing beside the new one for a while, so receivers can
    switch without rejecting a delivery."""
    webhook = await get(db, webhook_id)
    expires = datetime.now(UTC) + timedelta(hours=previous_valid_hours)
    return await _edit(
        db,
        webhook_id,
        secret=secret,
        previous_secret=webhook.secret if previous_valid_hours > 0 else None,
        previous_secret_expires=expires if previous_valid_hours > 0 else None,
    )


async def redeliver(db: Database, delivery_id: int) -> WebhookDelivery:
    """The same message (same `webhook-id`, same body) queued again at the end."""
    now = datetime.now(UTC)
    async with db.transaction() as session:
        original = await session.get(WebhookDelivery, delivery_id)
        if original is None:
            raise WebhookMissing(f"No webhook delivery with id {delivery_id}.")
        sequence = (
            await session.execute(
                update(Webhook)
                .where(col(Webhook.id) == original.webhook_id)
                .values(next_sequence=col(Webhook.next_sequence) + 1)
                .returning(col(Webhook.next_sequence))
            )
        ).scalar_one()
        copy = WebhookDelivery(
            webhook_id=original.webhook_id,
            sequence=sequence - 1,
            message_id=original.message_id,
            event_id=original.event_id,
            payload=original.payload,
            next_attempt=now,
            created=now,
        )
        session.add(copy)
    return copy


async def deliveries(
    db: Database, webhook_ids: Sequence[int], newest: int
) -> dict[int, list[WebhookDelivery]]:
    """The `newest` deliveries of each webhook, newest first, in one statement."""
    ranked = (
        select(
            WebhookDelivery,
            func.row_number()
            .over(
                partition_by=col(WebhookDelivery.webhook_id),
                order_by=col(WebhookDelivery.sequence).desc(),
            )
            .label("rank"),
        )
        .where(col(WebhookDelivery.webhook_id).in_(webhook_ids))
        .subquery()
    )
    query = (
        select(WebhookDelivery)
        .join(ranked, col(WebhookDelivery.id) == ranked.c.id)
        .where(ranked.c.rank <= newest)
        .order_by(col(WebhookDelivery.webhook_id), col(WebhookDelivery.sequence).desc())
    )
    found: dict[int, list[WebhookDelivery]] = {webhook_id: [] for webhook_id in webhook_ids}
    async with db.session() as session:
        for delivery in (await session.execute(query)).scalars():
            found[delivery.webhook_id].append(delivery)
    return found


async def pending_counts(db: Database, webhook_ids: Sequence[int]) -> dict[int, int]:
    query = (
        select(col(WebhookDelivery.webhook_id), func.count())
        .where(
            col(WebhookDelivery.webhook_id).in_(webhook_ids),
            col(WebhookDelivery.status) == PENDING,
        )
        .group_by(col(WebhookDelivery.webhook_id))
    )
    async with db.session() as session:
        counts = {row[0]: row[1] for row in (await session.execute(query)).all()}
    return {webhook_id: counts.get(webhook_id, 0) for webhook_id in webhook_ids}

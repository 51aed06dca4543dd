"""The GraphQL `Webhook` and `WebhookDelivery` types.

A webhook's deliveries and pending count come through loaders batched per tick and not
cached (an admin's WebSocket connection lives long): listing fifty webhooks with their
last delivery costs three statements, not a hundred and one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from typing import Annotated, Any, cast

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.scalars import JSON

import models
from core.db import Database
from schema.context import Info
from schema.errors import BadUserInput
from webhooks import admin

MAX_DELIVERIES = 100


@strawberry.enum(description="Whether a webhook follows its subscription and sends.")
class WebhookStatus(Enum):
    ACTIVE = strawberry.enum_value("active", description="Following and sending.")
    PAUSED = strawberry.enum_value(
        "paused",
        description="Sending nothing until resumed (`pausedReason` says why); results are "
        "still recorded as pending deliveries.",
    )


@strawberry.enum(description="Where a delivery stands.")
class DeliveryStatus(Enum):
    PENDING = strawberry.enum_value(
        "pending", description="Not accepted yet: waiting its turn, or retried after a failure."
    )
    DELIVERED = strawberry.enum_value(
        "delivered", description="The receiver answered 2xx (`deliveredAt`)."
    )


@strawberry.type(description="One message to a webhook's URL and how its attempts went.")
class WebhookDelivery:
    id: strawberry.ID = strawberry.field(
        description="Its global id: pass it to redeliverWebhookDelivery."
    )
    database_id: int = strawberry.field(description="Its database id.")
    message_id: str = strawberry.field(
        description="The `webhook-id` header: the same on every attempt and redelivery."
    )
    sequence: int = strawberry.field(description="Order of sending within the webhook.")
    event_id: str | None = strawberry.field(
        description="The change event it carries (the body's `eventId`); null for none."
    )
    status: DeliveryStatus = strawberry.field(description="Pending or delivered.")
    attempts: int = strawberry.field(description="POSTs made so far (0: not tried yet).")
    last_status_code: int | None = strawberry.field(
        description="The receiver's HTTP status at the last attempt (null: no answer)."
    )
    last_error: str | None = strawberry.field(
        description="What went wrong at the last attempt (a status, a timeout, a refused "
        "address...); null when it succeeded or none was made."
    )
    last_attempt_at: datetime | None = strawberry.field(
        description="When the last attempt was made; null before the first."
    )
    next_attempt_at: datetime | None = strawberry.field(description="While pending.")
    created_at: datetime = strawberry.field(description="When the result was recorded.")
    delivered_at: datetime | None = strawberry.field(
        description="When the receiver accepted it; null while pending."
    )
    payload: JSON = strawberry.field(description="The JSON body sent.")

    @classmethod
    def from_row(cls, row: models.WebhookDelivery) -> WebhookDelivery:
        import orjson

        assert row.id is not None
        pending = row.status == "pending"
        return cls(
            id=strawberry.ID(relay.to_base64("WebhookDelivery", row.id)),
            database_id=row.id,
            message_id=row.message_id,
            sequence=row.sequence,
            event_id=row.event_id,
            status=DeliveryStatus(row.status),
            attempts=row.attempts,
            last_status_code=row.last_status_code,
            last_error=row.last_error,
            last_attempt_at=row.last_attempt,
            next_attempt_at=row.next_attempt if pending else None,
            created_at=row.created,
            delivered_at=row.delivered,
            payload=orjson.loads(row.payload),
        )


def _loaders(db: Database) -> tuple[DataLoader[tuple[int, int], Any], DataLoader[int, int]]:
    async def newest(keys: Sequence[tuple[int, int]]) -> list[list[models.WebhookDelivery]]:
        found = await admin.deliveries(db, sorted({k[0] for k in keys}), max(k[1] for k in keys))
        return [found[webhook_id][:count] for webhook_id, count in keys]

    async def pending(keys: Sequence[int]) -> list[int]:
        counts = await admin.pending_counts(db, list(keys))
        return [counts[key] for key in keys]

    return DataLoader(newest, cache=False), DataLoader(pending, cache=False)


def loaders_of(info: Info) -> tuple[DataLoader[tuple[int, int], Any], DataLoader[int, int]]:
    memo = info.context.memo
    if "webhook_loaders" not in memo:
        memo["webhook_loaders"] = _loaders(info.context.db)
    loaders: tuple[DataLoader[tuple[int, int], Any], DataLoader[int, int]] = memo["webhook_loaders"]
    return loaders


@strawberry.type(
    description="A subscription document whose results are POSTed, signed (Standard "
    "Webhooks), to a URL. Delivery is at least once, in order; see the README."
)
class Webhook:
    id: strawberry.ID = strawberry.field(
        description="Its global id: pass it to webhook(id:) and the webhook mutations."
    )
    database_id: int = strawberry.field(description="Its database id.")
    name: str = strawberry.field(description="The unique name given at creation.")
    url: str = strawberry.field(description="Where results are POSTed.")
    document: str = strawberry.field(description="The subscription it follows.")
    variables: JSON = strawberry.field(description="The document's variables (a JSON object).")
    operation_name: str | None = strawberry.field(
        description="Which operation of the document runs; null: its only one."
    )
    status: WebhookStatus = strawberry.field(description="Active or paused.")
    paused_reason: str | None = strawberry.field(
        description="Why it is paused: an admin, or the failures that paused it."
    )
    failures: int = strawberry.field(description="Failed attempts in a row.")
    previous_secret_valid_until: datetime | None = strawberry.field(
        description="After a rotation, the old secret also signs until then."
    )
    created_at: datetime = strawberry.field(description="When it was registered.")
    created_by: str = strawberry.field(description="The name of the admin token that made it.")

    @strawberry.field(description="Deliveries not yet accepted by the receiver.")
    async def pending_deliveries(self, info: Info) -> int:
        return await loaders_of(info)[1].load(self.database_id)

    @strawberry.field(description="The newest delivery, if any.")
    async def last_delivery(self, info: Info) -> WebhookDelivery | None:
        rows = await loaders_of(info)[0].load((self.database_id, 1))
        return WebhookDelivery.from_row(rows[0]) if rows else None

    @strawberry.field(description=f"The delivery log, newest first (at most {MAX_DELIVERIES}).")
    async def deliveries(
        self,
        info: Info,
        first: Annotated[
            int,
            strawberry.argument(
                description=f"How many, newest first: 0 to {MAX_DELIVERIES} (out of range: "
                "BAD_USER_INPUT)."
            ),
        ] = 20,
    ) -> list[WebhookDelivery]:
        if not 0 <= first <= MAX_DELIVERIES:
            raise BadUserInput(f"'first' must be from 0 to {MAX_DELIVERIES}.", argument="first")
        rows = await loaders_of(info)[0].load((self.database_id, first))
        return [WebhookDelivery.from_row(row) for row in rows]

    @classmethod
    def from_row(cls, row: models.Webhook) -> Webhook:
        assert row.id is not None
        return cls(
            id=strawberry.ID(relay.to_base64("Webhook", row.id)),
            database_id=row.id,
            name=row.name,
            url=row.url,
            document=row.document,
            variables=cast(JSON, row.variables),
            operation_name=row.operation_name,
            status=WebhookStatus.PAUSED if row.paused else WebhookStatus.ACTIVE,
            paused_reason=row.paused_reason,
            failures=row.failures,
            previous_secret_valid_until=row.previous_secret_expires
            if row.previous_secret
            else None,
            created_at=row.created,
            created_by=row.created_by,
        )


@strawberry.type(description="A webhook with its signing secret, shown only this once.")
class WebhookWithSecret:
    webhook: Webhook = strawberry.field(description="The webhook made or changed.")
    secret: str = strawberry.field(
        description="`whsec_...`: give it to the receiver to verify signatures."
    )

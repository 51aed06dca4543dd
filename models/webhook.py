"""Webhooks: a stored subscription whose results are POSTed to a URL, and their deliveries.

A delivery row is written in the same transaction that moves the webhook's `cursor`, so
a result is either queued and remembered as seen, or neither: a restart loses nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel

from models.timestamps import UTCDateTime


class Webhook(SQLModel, table=True):
    """`lease_owner` names the one process that follows and delivers it until
    `lease_expires`; every write of that process checks it still holds the lease."""

    __tablename__ = "webhook"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    url: str = Field(max_length=2000)
    document: str = Field(sa_column=Column(Text, nullable=False))
    variables: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    operation_name: str | None = Field(default=None, max_length=100)
    secret: str = Field(max_length=100)
    previous_secret: str | None = Field(default=None, max_length=100)
    previous_secret_expires: datetime | None = Field(default=None, sa_type=UTCDateTime)
    paused: bool = False
    paused_reason: str | None = Field(default=None, max_length=500)
    failures: int = 0  # consecutive failed attempts of the oldest pending delivery
    cursor: str | None = Field(default=None, max_length=100)  # the last event followed
    next_sequence: int = 1
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_expires: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created: datetime = Field(sa_type=UTCDateTime)
    created_by: str = Field(max_length=100)


class WebhookDelivery(SQLModel, table=True):
    """One message to send, in `sequence` order per webhook; `message_id` is the
    `webhook-id` header, the same on every attempt (and on a redelivery)."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (Index("ix_webhook_delivery_queue", "webhook_id", "status", "sequence"),)

    id: int | None = Field(default=None, primary_key=True)
    webhook_id: int = Field(foreign_key="webhook.id", ondelete="CASCADE")
    sequence: int
    message_id: str = Field(max_length=40)
    event_id: str | None = Field(default=None, max_length=100)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", max_length=10)  # pending | delivered
    attempts: int = 0
    next_attempt: datetime = Field(sa_type=UTCDateTime)
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, max_length=500)
    last_attempt: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created: datetime = Field(sa_type=UTCDateTime)
    delivered: datetime | None = Field(default=None, sa_type=UTCDateTime)

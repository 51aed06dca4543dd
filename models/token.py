"""The `api_token` table: named tokens with a scope; only a hash of the secret is kept."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.timestamps import UTCDateTime


class ApiToken(SQLModel, table=True):
    """`key_id` finds the row; `secret_hash` proves the caller holds the secret."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    scope: str = Field(max_length=10)
    key_id: str = Field(max_length=16, unique=True, index=True)
    secret_hash: str = Field(max_length=64)
    created: datetime = Field(sa_type=UTCDateTime)
    revoked: datetime | None = Field(default=None, sa_type=UTCDateTime)

"""API tokens: `dpg_<key id>_<secret>`. The key id finds the row, the secret's SHA-256
proves possession; the secret itself is shown once and never stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

import models
from auth.scopes import Scope
from core.db import Database

PREFIX = "dpg"
KEY_ID_BYTES = 6  # 12 hex characters
# Compared against when no row matches, so every failure does the same work.
_DUMMY_HASH = hashlib.sha256(b"dpgraph: no such token").hexdigest()


class TokenError(ValueError):
    """A token command that cannot be done; the message says why."""


@dataclass(frozen=True)
class Identity:
    """Who a valid token speaks for."""

    name: str
    scope: Scope


@dataclass(frozen=True)
class IssuedToken:
    name: str
    scope: Scope
    token: str  # the only time the secret exists outside the client


@dataclass(frozen=True)
class TokenInfo:
    name: str
    scope: Scope
    key_id: str
    created: datetime
    revoked: datetime | None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _split(presented: str) -> tuple[str, str]:
    """(key id, secret); a malformed token yields values that match no row."""
    prefix, _, rest = presented.partition("_")
    key_id, _, secret = rest.partition("_")
    if prefix != PREFIX or len(key_id) != KEY_ID_BYTES * 2 or not secret:
        return "", presented
    return key_id, secret


async def issue_token(db: Database, *, name: str, scope: Scope) -> IssuedToken:
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise TokenError("a token name needs 1 to 100 characters")
    key_id = secrets.token_hex(KEY_ID_BYTES)
    secret = secrets.token_urlsafe(32)
    taken = TokenError(f"a token named {name!r} already exists")
    try:
        async with db.transaction() as session:
            statement = select(models.ApiToken).where(col(models.ApiToken.name) == name)
            if (await session.execute(statement)).scalar_one_or_none() is not None:
                raise taken
            session.add(
                models.ApiToken(
                    name=name,
                    scope=scope.value,
                    key_id=key_id,
                    secret_hash=_hash(secret),
                    created=datetime.now(UTC),
                )
            )
    except IntegrityError as error:  # a concurrent create of the same name committed first
        raise taken from error
    return IssuedToken(name=name, scope=scope, token=f"{PREFIX}_{key_id}_{secret}")


def _info(row: models.ApiToken) -> TokenInfo:
    return TokenInfo(
        name=row.name,
        scope=Scope(row.scope),
        key_id=row.key_id,
        created=row.created,
        revoked=row.revoked,
    )


async def list_tokens(db: Database) -> list[TokenInfo]:
    async with db.session() as session:
        statement = select(models.ApiToken).order_by(
            col(models.ApiToken.created), col(models.ApiToken.id)
        )
        return [_info(row) for row in (await session.execute(statement)).scalars()]


async def revoke_token(db: Database, name: str) -> TokenInfo:
    """Idempotent: revoking a revoked token keeps its first revocation time."""
    async with db.transaction() as session:
        statement = select(models.ApiToken).where(col(models.ApiToken.name) == name)
        row = (await session.execute(statement)).scalar_one_or_none()
        if row is None:
            raise TokenError(f"no token named {name!r}")
        if row.revoked is None:
            row.revoked = datetime.now(UTC)
        return _info(row)


async def authenticate(db: Database, presented: str | None) -> Identity | None:
    """The identity of a valid token, else None: unknown, revoked and malformed tokens
    take the same path (one look-up, one constant-time comparison) and the same answer."""
    key_id, secret = _split(presented or "")
    statement = select(models.ApiToken).where(col(models.ApiToken.key_id) == key_id)

    async def look_up(session: AsyncSession) -> models.ApiToken | None:
        return (await session.execute(statement)).scalar_one_or_none()

    row = await db.read(look_up)  # retried once on a lost connection
    expected = row.secret_hash if row is not None else _DUMMY_HASH
    matches = hmac.compare_digest(_hash(secret), expected)
    if row is None or not matches or row.revoked is not None:
        return None
    return Identity(name=row.name, scope=Scope(row.scope))

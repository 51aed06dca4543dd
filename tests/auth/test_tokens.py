"""API tokens: only hashes stored, one look-up per check, every bad token alike."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

import models
from auth import (
    Identity,
    Scope,
    TokenError,
    authenticate,
    bearer_token,
    issue_token,
    list_tokens,
    revoke_token,
)


def test_admin_grants_everything_write_only_write():
    assert Scope.ADMIN.grants(Scope.WRITE) and Scope.ADMIN.grants(Scope.ADMIN)
    assert Scope.WRITE.grants(Scope.WRITE) and not Scope.WRITE.grants(Scope.ADMIN)


async def test_an_issued_token_authenticates(db):
    issued = await issue_token(db, name="bot", scope=Scope.WRITE)
    assert issued.token.startswith("dpg_")
    assert await authenticate(db, issued.token) == Identity("bot", Scope.WRITE)


async def test_only_a_hash_of_the_secret_is_stored(db):
    issued = await issue_token(db, name="bot", scope=Scope.ADMIN)
    secret = issued.token.split("_", 2)[2]
    async with db.session() as session:
        row = (await session.execute(select(models.ApiToken))).scalar_one()
    assert all(secret not in str(value) for value in row.model_dump().values())
    assert len(row.secret_hash) == 64


@pytest.mark.parametrize("make_bad", ["unknown", "wrong-secret", "revoked", "malformed"])
async def test_bad_tokens_are_all_refused(db, make_bad):
    issued = await issue_token(db, name="bot", scope=Scope.WRITE)
    key_id = issued.token.split("_")[1]
    presented = {
        "unknown": "dpg_000000000000_" + "x" * 43,
        "wrong-secret": f"dpg_{key_id}_" + "x" * 43,
        "revoked": issued.token,
        "malformed": "garbage",
    }[make_bad]
    if make_bad == "revoked":
        await revoke_token(db, "bot")
    assert await authenticate(db, presented) is None


@pytest.mark.parametrize("presented", ["", "dpg_", "dpg_x_y_z", None, "Bearer", "dpg__secret"])
async def test_malformed_and_missing_tokens_are_refused(db, presented):
    await issue_token(db, name="bot", scope=Scope.WRITE)
    assert await authenticate(db, presented) is None


@pytest.mark.parametrize("good", [True, False])
async def test_a_check_is_one_statement_whatever_the_token(db, count_statements, good):
    issued = await issue_token(db, name="bot", scope=Scope.WRITE)
    with count_statements() as log:
        await authenticate(db, issued.token if good else "not even close")
    assert log.count == 1


async def test_names_are_unique_even_after_revocation(db):
    await issue_token(db, name="bot", scope=Scope.WRITE)
    await revoke_token(db, "bot")
    with pytest.raises(TokenError, match="already exists"):
        await issue_token(db, name="bot", scope=Scope.ADMIN)
    with pytest.raises(TokenError, match="1 to 100"):
        await issue_token(db, name="  ", scope=Scope.ADMIN)


async def test_concurrent_creates_of_one_name_leave_one_token(db):
    """On PostgreSQL both may pass the name check; the unique index then refuses one."""
    results = await asyncio.gather(
        *(issue_token(db, name="bot", scope=Scope.WRITE) for _ in range(2)),
        return_exceptions=True,
    )
    errors = [r for r in results if isinstance(r, BaseException)]
    assert len(errors) == 1 and isinstance(errors[0], TokenError)
    assert "already exists" in str(errors[0])
    assert [t.name for t in await list_tokens(db)] == ["bot"]


async def test_a_name_longer_than_100_characters_is_refused(db):
    with pytest.raises(TokenError, match="1 to 100"):
        await issue_token(db, name="x" * 101, scope=Scope.WRITE)
    assert (await issue_token(db, name=f"  {'x' * 100}  ", scope=Scope.WRITE)).name == "x" * 100


async def test_revoking_is_idempotent_and_names_must_exist(db):
    await issue_token(db, name="bot", scope=Scope.WRITE)
    first = await revoke_token(db, "bot")
    again = await revoke_token(db, "bot")
    assert first.revoked is not None and again.revoked == first.revoked
    with pytest.raises(TokenError, match="no token named 'ghost'"):
        await revoke_token(db, "ghost")
    [listed] = await list_tokens(db)
    assert (listed.name, listed.revoked) == ("bot", first.revoked)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("Bearer abc", "abc"),
        ("bearer   abc  ", "abc"),
        ("Basic abc", ""),
        ("Bearer", ""),
        ("", ""),
    ],
)
def test_bearer_token(header, expected):
    assert bearer_token(header) == expected

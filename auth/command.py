"""`python -m server token create|list|revoke`: manage API tokens from a shell."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable

from auth.scopes import Scope
from auth.tokens import TokenError, TokenInfo, issue_token, list_tokens, revoke_token
from core.db import Database
from core.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="create a token and print it (once)")
    create.add_argument("--name", required=True, help="who or what uses it (unique)")
    create.add_argument("--scope", required=True, choices=[scope.value for scope in Scope])
    actions.add_parser("list", help="list tokens (never their secrets)")
    revoke = actions.add_parser("revoke", help="revoke a token by name")
    revoke.add_argument("name")


def run(args: argparse.Namespace, settings: Settings) -> int:
    actions: dict[str, Callable[[Database], Awaitable[int]]] = {
        "create": lambda db: _create(db, args.name, Scope(args.scope)),
        "list": _list,
        "revoke": lambda db: _revoke(db, args.name),
    }
    try:
        return asyncio.run(_with_database(settings, actions[args.action]))
    except TokenError as error:
        print(f"dpgraph: {error}", file=sys.stderr)
        return 2


async def _with_database(settings: Settings, action: Callable[[Database], Awaitable[int]]) -> int:
    db = Database.from_settings(settings)
    try:
        await db.create_tables()
        return await action(db)
    finally:
        await db.dispose()


async def _create(db: Database, name: str, scope: Scope) -> int:
    issued = await issue_token(db, name=name, scope=scope)
    print(
        f"Created the {scope.value} token {issued.name!r}. Copy it now: it is not stored "
        "and will not be shown again.",
        file=sys.stderr,
    )
    print(issued.token)
    return 0


def _when(info: TokenInfo) -> tuple[str, str]:
    revoked = info.revoked.isoformat(timespec="seconds") if info.revoked else "-"
    return info.created.isoformat(timespec="seconds"), revoked


async def _list(db: Database) -> int:
    rows = [("NAME", "SCOPE", "KEY ID", "CREATED", "REVOKED")]
    rows += [(t.name, t.scope.value, t.key_id, *_when(t)) for t in await list_tokens(db)]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        print("  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)))
    return 0


async def _revoke(db: Database, name: str) -> int:
    info = await revoke_token(db, name)
    assert info.revoked is not None
    print(f"Revoked the token {info.name!r} ({info.key_id}) at {_when(info)[1]}.")
    return 0

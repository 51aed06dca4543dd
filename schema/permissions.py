"""Who may do what: reads are public; edits need a token with the right scope."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Literal

from auth import Identity, Scope
from schema.context import Context, Info
from schema.errors import Forbidden, Unauthenticated

AUTH_HINT = (
    "Send 'Authorization: Bearer <token>' (an admin makes one with `scripts/dpgraph token create`)."
)


ReadClass = Literal["anonymous", "write", "admin"]


def read_class(identity: Identity | None) -> ReadClass:
    """What a caller may read, as a key that subscribers can share (`server.websocket.fanout`).

    Every read field is public today, so the classes read the same data; they are kept
    apart anyway so that a field that one day reads by scope cannot leak from one class's
    shared stream to another. The token itself is not part of it: integrations with
    their own tokens of one scope share one stream.
    """
    if identity is None:
        return "anonymous"
    return "admin" if identity.scope is Scope.ADMIN else "write"


def known_read_class(context: Context) -> Hashable:
    """The caller's read class without a database look-up: the class once its token has
    been checked (a WebSocket's at `connection_init`), else the token itself (no sharing
    with any other token: correct, only slower)."""
    token = context.presented_token()
    if token is None:
        return read_class(None)
    checked, identity = context.identity_if_known()
    return read_class(identity) if checked and identity is not None else ("token", token)


async def require(info: Info, scope: Scope) -> Identity:
    """The caller's identity, if its token grants `scope`.

    An anonymous call is refused before any database work; unknown, revoked and
    malformed tokens get one and the same answer.
    """
    context = info.context
    if context.presented_token() is None:
        raise Unauthenticated(f"This operation needs a token. {AUTH_HINT}")
    identity = await context.identity()
    if identity is None:
        raise Unauthenticated(f"The token is not valid. {AUTH_HINT}")
    if not identity.scope.grants(scope):
        raise Forbidden(
            f"The token '{identity.name}' has the {identity.scope.value} scope; "
            f"this operation needs {scope.value}.",
            requiredScope=scope.value,
        )
    return identity

"""Reading a bearer token from an `Authorization` header."""

from __future__ import annotations


def bearer_token(authorization: str | None) -> str | None:
    """None when there is no header (anonymous); "" when there is one but it is not
    `Bearer <token>` (a bad credential, refused like any bad token)."""
    if authorization is None:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        return ""
    return token.strip()

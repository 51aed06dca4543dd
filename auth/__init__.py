"""Identity for edits: API tokens and their scopes. Reads need none of this."""

from auth.header import bearer_token
from auth.scopes import Scope
from auth.tokens import (
    Identity,
    IssuedToken,
    TokenError,
    TokenInfo,
    authenticate,
    issue_token,
    list_tokens,
    revoke_token,
)

__all__ = [
    "Identity",
    "IssuedToken",
    "Scope",
    "TokenError",
    "TokenInfo",
    "authenticate",
    "bearer_token",
    "issue_token",
    "list_tokens",
    "revoke_token",
]

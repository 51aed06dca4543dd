"""The typed per-request context every resolver receives as `info.context`."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import strawberry
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from auth import Identity, authenticate, bearer_token
from core.db import Database
from core.headers import header
from core.settings import Settings
from events.hub import EventHub
from loaders import Loaders
from ratelimit import RateLimits
from writes import Publisher

_CURRENT_LOADERS: ContextVar[Loaders | None] = ContextVar("dpgraph_loaders", default=None)


def use_loaders(loaders: Loaders) -> None:
    """Resolvers in this task (one operation, or one subscription event) use these loaders."""
    _CURRENT_LOADERS.set(loaders)


@dataclass
class Context:
    """One per HTTP request, or one per WebSocket connection (shared by its operations)."""

    db: Database
    settings: Settings
    request: Request | WebSocket | None = None
    response: Response | WebSocket | None = None
    publish: Publisher | None = None
    # Set by strawberry from a WebSocket's `connection_init` payload.
    connection_params: dict[str, Any] | None = None
    hub: EventHub | None = None
    rate_limits: RateLimits | None = None
    # A webhook's stream resumes after its stored event id (`webhooks.follower`).
    resume_after: str | None = None
    # Wakes this process's webhook runner after an admin's edit.
    webhooks_changed: Callable[[], None] | None = None
    # Per-request helpers other layers keep (the webhook admin's uncached loaders).
    memo: dict[str, Any] = field(default_factory=dict, repr=False)
    _own_loaders: Loaders | None = field(default=None, repr=False)
    _identity: Identity | None = field(default=None, repr=False)
    _authenticated: bool = field(default=False, repr=False)

    @property
    def loaders(self) -> Loaders:
        """Fresh per operation and per subscription event (see schema.extensions.FreshLoaders):
        a WebSocket connection lives for hours and its context with it; cached rows must not."""
        current = _CURRENT_LOADERS.get()
        if current is not None:
            return current
        if self._own_loaders is None:
            self._own_loaders = Loaders.create(self.db)
        return self._own_loaders

    def presented_token(self) -> str | None:
        """The token the client sent (None: anonymous; "" a malformed credential).

        HTTP: `Authorization: Bearer <token>`. WebSocket: `connection_init` payload
        `{"authorization": "Bearer <token>"}` (or `{"token": "<token>"}`).
        """
        if self.connection_params:
            if "authorization" in self.connection_params:
                return bearer_token(str(self.connection_params["authorization"]))
            if "token" in self.connection_params:
                return str(self.connection_params["token"] or "")
        if isinstance(self.request, HTTPConnection):  # also a WebSocket's upgrade request
            return bearer_token(header(self.request.scope, b"authorization"))
        return None

    async def identity(self) -> Identity | None:
        """Who the token names, looked up once per request (or WebSocket connection)."""
        if not self._authenticated:
            self._identity = await authenticate(self.db, self.presented_token())
            self._authenticated = True
        return self._identity

    def identity_if_known(self) -> tuple[bool, Identity | None]:
        """(whether the token was looked up yet, its identity), for code that cannot await."""
        return self._authenticated, self._identity

    @classmethod
    def create(
        cls,
        *,
        db: Database,
        settings: Settings,
        request: Request | WebSocket | None = None,
        response: Response | WebSocket | None = None,
        hub: EventHub | None = None,
        rate_limits: RateLimits | None = None,
        webhooks_changed: Callable[[], None] | None = None,
        resume_after: str | None = None,
    ) -> Context:
        return cls(
            db=db,
            settings=settings,
            request=request,
            response=response,
            publish=hub.publish if hub is not None else None,
            hub=hub,
            rate_limits=rate_limits,
            webhooks_changed=webhooks_changed,
            resume_after=resume_after,
        )


Info: TypeAlias = strawberry.Info[Context, None]

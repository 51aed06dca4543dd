"""The typed per-request context every resolver receives as `info.context`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from loaders import Loaders
from server.db import Database
from server.settings import Settings


@dataclass
class Context:
    db: Database
    settings: Settings
    loaders: Loaders
    request: Request | WebSocket | None = None
    response: Response | WebSocket | None = None

    @classmethod
    def create(
        cls,
        *,
        db: Database,
        settings: Settings,
        request: Request | WebSocket | None = None,
        response: Response | WebSocket | None = None,
    ) -> Context:
        return cls(
            db=db,
            settings=settings,
            loaders=Loaders.create(db),
            request=request,
            response=response,
        )


Info: TypeAlias = strawberry.Info[Context, None]

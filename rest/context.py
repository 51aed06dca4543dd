"""What every REST handler works with: the database, the settings and the URL builder."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from core.db import Database
from core.settings import Settings
from rest.urls import Urls


@dataclass(frozen=True)
class RestContext:
    db: Database
    settings: Settings

    @classmethod
    def create(cls, *, db: Database, settings: Settings) -> RestContext:
        return cls(db=db, settings=settings)

    def urls(self, request: Request) -> Urls:
        """Links on `PUBLIC_BASE_URL` when it is set, else on the server that answered.

        Without a configured base, a local server's paging links point at itself, not at
        production; behind a proxy, uvicorn's `--proxy-headers` supplies the public scheme.
        """
        base = self.settings.public_base_url
        if base is None:
            base = f"{request.url.scheme}://{request.url.netloc}"
        return Urls(base)

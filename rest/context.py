"""What every REST handler works with: the database, the settings and the URL builder."""

from __future__ import annotations

from dataclasses import dataclass

from rest.urls import Urls
from server.db import Database
from server.settings import Settings


@dataclass(frozen=True)
class RestContext:
    db: Database
    settings: Settings
    urls: Urls

    @classmethod
    def create(cls, *, db: Database, settings: Settings) -> RestContext:
        return cls(db=db, settings=settings, urls=Urls(settings.public_base_url))

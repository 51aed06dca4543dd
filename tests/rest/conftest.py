"""REST fixtures: an HTTP client with a known public base URL, and the seeds as served."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.db import Database
from core.settings import Settings
from importer.documents import read_document
from server.app import create_app
from tests.conftest import SEEDS_DIR

PUBLIC_BASE_URL = "https://djangopackages.org"
ClientFactory = Callable[[str], AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def api_client_for(db: Database, settings: Settings) -> ClientFactory:
    """`async with api_client_for(base_url) as http:` calls the app with that public base."""

    @asynccontextmanager
    async def open_client(base_url: str) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(settings.model_copy(update={"public_base_url": base_url}), db=db)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http

    return open_client


@pytest.fixture
async def api(api_client_for: ClientFactory) -> AsyncIterator[httpx.AsyncClient]:
    """The app, writing links on https://djangopackages.org like the saved seeds."""
    async with api_client_for(PUBLIC_BASE_URL) as http:
        yield http


def seed_paths() -> list[Path]:
    return sorted(SEEDS_DIR.glob("*.txt"))


def seed(path: Path) -> Any:
    return read_document(path)

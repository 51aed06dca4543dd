"""v4 links point at the server that answered, unless PUBLIC_BASE_URL says otherwise.

A local server must not send a client paging on to production: without a configured
base, `next`, `previous` and every absolute URL use the request's scheme and host.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from pydantic import ValidationError

from core.db import Database
from core.settings import Settings
from server.app import create_app
from tests.factories import build_catalogue


@asynccontextmanager
async def calling(
    db: Database, settings: Settings, base_url: str, *, public_base_url: str | None
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update={"public_base_url": public_base_url}), db=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url) as http:
        yield http


def test_the_default_is_unset() -> None:
    assert Settings(_env_file=None).public_base_url is None


@pytest.mark.parametrize("origin", ["http://127.0.0.1:8000", "https://mirror.example:8443"])
async def test_links_follow_the_request_when_no_base_is_set(db, settings, origin: str):
    await build_catalogue(db, packages=5, grids=1)
    async with calling(db, settings, origin, public_base_url=None) as http:
        first = (await http.get("/api/v4/packages/?limit=2")).json()
        second = (await http.get("/api/v4/packages/?limit=2&offset=2")).json()
        grid = (await http.get("/api/v4/grids/1/")).json()
        root = (await http.get("/api/v4/")).json()
    assert first["next"] == f"{origin}/api/v4/packages/?limit=2&offset=2"
    assert second["previous"] == f"{origin}/api/v4/packages/?limit=2"
    assert first["results"][0]["category"] == f"{origin}/api/v4/categories/1/"
    assert first["results"][0]["grids"] == [f"{origin}/api/v4/grids/1/"]
    assert grid["packages"][0].startswith(f"{origin}/api/v4/packages/")
    assert root["packages"] == f"{origin}/api/v4/packages/"


async def test_the_host_header_decides_per_request(db, settings):
    """One server reached under two names answers each with its own links."""
    await build_catalogue(db, packages=3, grids=0)
    async with calling(db, settings, "http://localhost:8000", public_base_url=None) as http:
        direct = (await http.get("/api/v4/packages/?limit=1")).json()
        proxied = (
            await http.get("/api/v4/packages/?limit=1", headers={"host": "api.internal:9000"})
        ).json()
    assert direct["next"].startswith("http://localhost:8000/api/v4/")
    assert proxied["next"].startswith("http://api.internal:9000/api/v4/")


async def test_a_configured_base_wins_over_the_request(db, settings):
    await build_catalogue(db, packages=3, grids=0)
    async with calling(
        db, settings, "http://localhost:8000", public_base_url="https://djangopackages.org"
    ) as http:
        body = (await http.get("/api/v4/packages/?limit=1")).json()
    assert body["next"] == "https://djangopackages.org/api/v4/packages/?limit=1&offset=1"
    assert body["results"][0]["category"] == "https://djangopackages.org/api/v4/categories/1/"


@pytest.mark.parametrize(
    ("given", "expected"),
    [("https://mirror.example/", "https://mirror.example"), ("", None)],
)
def test_a_base_is_normalised(given: str, expected: str | None) -> None:
    assert Settings(public_base_url=given, _env_file=None).public_base_url == expected


@pytest.mark.parametrize(
    "bad", ["djangopackages.org", "ftp://mirror.example", "https://x.org/?a=1"]
)
def test_a_base_that_is_not_an_http_url_is_refused_clearly(bad: str) -> None:
    with pytest.raises(ValidationError, match="PUBLIC_BASE_URL"):
        Settings(public_base_url=bad, _env_file=None)

"""The API roots, trailing slashes, unknown addresses and the read-only rule."""

from __future__ import annotations

import pytest


async def test_v4_root_lists_the_endpoints_in_router_order(db, api):
    body = (await api.get("/api/v4/")).json()
    assert body == {
        "packages": "https://djangopackages.org/api/v4/packages/",
        "search": "https://djangopackages.org/api/v4/search/",
        "grids": "https://djangopackages.org/api/v4/grids/",
        "categories": "https://djangopackages.org/api/v4/categories/",
    }
    assert list(body) == ["packages", "search", "grids", "categories"]


async def test_v3_root_lists_what_v3_serves(db, api):
    assert (await api.get("/api/v3/")).json() == {
        "categories": "/api/v3/categories/",
        "grids": "/api/v3/grids/",
        "packages": "/api/v3/packages/",
    }


@pytest.mark.parametrize("path", ["/api/v4/packages/1412", "/api/v4", "/api/v3/grids"])
async def test_a_missing_trailing_slash_redirects(db, api, path: str):
    response = await api.get(path)
    assert response.status_code in (301, 307)
    assert response.headers["location"].endswith(path + "/")


@pytest.mark.parametrize("path", ["/api/v4/nothing/", "/api/v3/users/", "/api/v4/packages/1/x/"])
async def test_unknown_addresses_are_json_404s(db, api, path: str):
    response = await api.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
async def test_the_api_is_read_only(db, api, method: str):
    response = await api.request(method, "/api/v4/packages/")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert response.json() == {"detail": f'Method "{method}" not allowed.'}


async def test_head_answers_like_get_without_a_body(demo, api):
    response = await api.head("/api/v4/packages/631/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"

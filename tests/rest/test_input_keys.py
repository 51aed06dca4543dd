"""A key or a search term no row could have answers 404 or 400 JSON before any SQL
(issue 22: /api/v4/packages/2147483648/ failed PostgreSQL's statement, a plain-text 500)."""

from __future__ import annotations

import httpx
import pytest


@pytest.mark.parametrize(
    "path",
    [
        "/api/v4/packages/2147483648/",
        "/api/v4/packages/9223372036854775808/",
        "/api/v4/grids/2147483648/",
        "/api/v4/categories/2147483648/",
        "/api/v4/packages/a%00b/",
        "/api/v4/packages/esc%1B%5B2J/",
        "/api/v4/packages/" + "s" * 101 + "/",
        "/api/v3/packages/a%00b/",
        "/api/v3/grids/a%00b/",
        "/api/v3/grids/2147483648/",
        "/api/v3/categories/a%00b/",
        "/api/v3/packages/?category=a%00b",
    ],
)
async def test_a_key_no_row_has_is_a_json_404(
    db: object, api: httpx.AsyncClient, path: str
) -> None:
    response = await api.get(path)
    assert response.status_code == 404, response.text
    assert "detail" in response.json()


@pytest.mark.parametrize("q", ["a%00b", "x" * 201])
async def test_a_search_term_no_title_holds_is_a_json_400(
    db: object, api: httpx.AsyncClient, q: str
) -> None:
    response = await api.get(f"/api/v4/search/?q={q}")
    assert response.status_code == 400, response.text
    assert response.json()["detail"].startswith("'q' ")


async def test_ordinary_keys_still_answer(db: object, api: httpx.AsyncClient) -> None:
    assert (await api.get("/api/v4/packages/2147483647/")).status_code == 404
    assert (await api.get("/api/v4/search/?q=" + "x" * 200)).status_code == 200

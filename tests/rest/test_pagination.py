"""limit/offset paging: DRF's envelope and links, and clear 400s for bad parameters."""

from __future__ import annotations

import pytest
from starlette.datastructures import QueryParams

from rest.errors import BadRequest
from rest.pagination import PageRequest, page_request, v3_meta
from tests.factories import build_catalogue

BASE = "https://djangopackages.org/api/v4/packages/"


@pytest.fixture
async def catalogue(db):
    await build_catalogue(db, packages=45, grids=1, features_per_grid=0)
    return db


async def test_default_page_is_20_with_a_next_link(catalogue, api):
    body = (await api.get("/api/v4/packages/")).json()
    assert body["count"] == 45
    assert len(body["results"]) == 20
    assert body["next"] == f"{BASE}?limit=20&offset=20"
    assert body["previous"] is None


async def test_middle_page_links_both_ways(catalogue, api):
    body = (await api.get("/api/v4/packages/?limit=10&offset=20")).json()
    assert [p["id"] for p in body["results"]] == list(range(25, 15, -1))
    assert body["next"] == f"{BASE}?limit=10&offset=30"
    assert body["previous"] == f"{BASE}?limit=10&offset=10"


async def test_previous_to_the_first_page_drops_offset_like_drf(catalogue, api):
    body = (await api.get("/api/v4/packages/?limit=10&offset=5")).json()
    assert body["previous"] == f"{BASE}?limit=10"


async def test_last_page_has_no_next(catalogue, api):
    body = (await api.get("/api/v4/packages/?limit=20&offset=40")).json()
    assert [p["id"] for p in body["results"]] == [5, 4, 3, 2, 1]
    assert body["next"] is None
    assert body["previous"] == f"{BASE}?limit=20&offset=20"


async def test_offset_past_the_end_is_an_empty_page_not_an_error(catalogue, api):
    body = (await api.get("/api/v4/packages/?offset=1000")).json()
    assert body["count"] == 45
    assert body["results"] == []
    assert body["next"] is None
    assert body["previous"] == f"{BASE}?limit=20&offset=980"


async def test_limit_above_100_is_cut_to_100(db, api):
    await build_catalogue(db, packages=120, grids=0)
    body = (await api.get("/api/v4/packages/?limit=500")).json()
    assert len(body["results"]) == 100
    assert body["next"] == f"{BASE}?limit=100&offset=100"


async def test_other_query_parameters_survive_in_links(catalogue, api):
    body = (await api.get("/api/v4/packages/?offset=20&format=json")).json()
    assert body["next"] == f"{BASE}?format=json&limit=20&offset=40"
    assert body["previous"] == f"{BASE}?format=json&limit=20"


async def test_links_use_the_configured_public_base_url(catalogue, api_client_for):
    async with api_client_for("http://localhost:8000") as http:
        body = (await http.get("/api/v4/packages/?limit=5")).json()
    assert body["next"] == "http://localhost:8000/api/v4/packages/?limit=5&offset=5"
    assert body["results"][0]["category"] == "http://localhost:8000/api/v4/categories/1/"


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("limit=0", "'limit' must be 1 or more, got 0."),
        ("limit=-5", "'limit' must be 1 or more, got -5."),
        ("limit=ten", "'limit' must be a whole number, got 'ten'."),
        ("limit=2.5", "'limit' must be a whole number, got '2.5'."),
        ("offset=-1", "'offset' must be 0 or more, got -1."),
        ("offset=abc", "'offset' must be a whole number, got 'abc'."),
        ("offset=" + "9" * 30, f"'offset' must be at most {2**63 - 1}, got {'9' * 30}."),
    ],
)
@pytest.mark.parametrize("path", ["/api/v4/packages/", "/api/v4/grids/", "/api/v3/packages/"])
async def test_bad_paging_parameters_are_400_with_a_clear_detail(
    db, api, path: str, query: str, detail: str
):
    response = await api.get(f"{path}?{query}")
    assert response.status_code == 400
    assert response.json() == {"detail": detail}


def test_blank_parameters_mean_the_defaults():
    assert page_request(QueryParams("limit=&offset="), max_limit=100) == PageRequest(20, 0)


def test_an_enormous_limit_is_cut_not_refused():
    assert page_request(QueryParams("limit=" + "9" * 5000), max_limit=100).limit == 100


def test_the_cap_comes_from_settings():
    assert page_request(QueryParams("limit=80"), max_limit=50).limit == 50


def test_only_plain_digits_are_numbers():
    with pytest.raises(BadRequest, match="whole number"):
        page_request(QueryParams("limit=%2B3"), max_limit=50)  # an explicit "+3"
    with pytest.raises(BadRequest, match="whole number"):
        page_request(QueryParams("offset=%D9%A3"), max_limit=50)  # an Arabic-Indic 3


def test_v3_meta_links_are_relative_and_keep_filters():
    meta = v3_meta(
        path="/api/v3/packages/",
        page=PageRequest(limit=10, offset=5),
        count=30,
        keep=[("category", "apps")],
    )
    assert meta == {
        "limit": 10,
        "next": "/api/v3/packages/?limit=10&offset=15&category=apps",
        "offset": 5,
        "previous": "/api/v3/packages/?limit=10&offset=0&category=apps",
        "total_count": 30,
    }

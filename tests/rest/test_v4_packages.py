"""v4 packages: each saved seed comes back value for value and key for key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from importer.v4 import parse_package
from tests.factories import build_catalogue
from tests.rest.conftest import seed, seed_paths
from writes import IMPORTER, open_unit, upsert_package

BROWSABLE_SUFFIX = "?format=api"


def as_json_client_sees_it(value: Any) -> Any:
    """Seeds 000 and 001 were saved from DRF's browsable API (`?format=api`), whose links
    repeat that parameter; a JSON client asking without it gets the same links without it."""
    if isinstance(value, str):
        return value.removesuffix(BROWSABLE_SUFFIX)
    if isinstance(value, list):
        return [as_json_client_sees_it(item) for item in value]
    if isinstance(value, dict):
        return {key: as_json_client_sees_it(item) for key, item in value.items()}
    return value


def exact(value: Any) -> str:
    """Key order and JSON types (true is not 1, 1 is not 1.0) all show in the dump."""
    return json.dumps(value, ensure_ascii=False)


@pytest.mark.parametrize("path", seed_paths(), ids=lambda path: path.name[:3])
async def test_each_seed_imported_alone_is_served_exactly(db, api, path: Path):
    document = seed(path)
    async with open_unit(db, actor=IMPORTER) as unit:
        await upsert_package(unit, parse_package(document))
    response = await api.get(f"/api/v4/packages/{document['id']}/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    expected = as_json_client_sees_it(document)
    assert list(response.json()) == list(expected)
    assert exact(response.json()) == exact(expected)


async def test_every_seed_of_the_demo_catalogue_is_served_exactly(demo, api):
    for path in seed_paths():
        expected = as_json_client_sees_it(seed(path))
        by_id = await api.get(f"/api/v4/packages/{expected['id']}/")
        by_slug = await api.get(f"/api/v4/packages/{expected['slug']}/")
        assert exact(by_id.json()) == exact(expected), path.name
        assert by_slug.content == by_id.content


async def test_grids_keep_the_seed_order_not_the_id_order(demo, api):
    hstore = (await api.get("/api/v4/packages/1327/")).json()
    assert hstore["grids"] == [
        "https://djangopackages.org/api/v4/grids/161/",
        "https://djangopackages.org/api/v4/grids/160/",
    ]


async def test_documentation_url_keeps_empty_string_and_null_apart(demo, api):
    assert (await api.get("/api/v4/packages/django-modelcluster/")).json()[
        "documentation_url"
    ] == ""
    assert (await api.get("/api/v4/packages/django-cities/")).json()["documentation_url"] is None


async def test_a_package_without_category_has_null_category(db, api):
    async with open_unit(db, actor=IMPORTER) as unit:
        await upsert_package(unit, parse_package({"id": 7, "title": "x", "slug": "x"}))
    body = (await api.get("/api/v4/packages/7/")).json()
    assert body["category"] is None
    assert body["grids"] == body["participants"] == body["commits_over_52"] == []


@pytest.mark.parametrize("key", ["99999", "no-such-package", "9" * 40])
async def test_unknown_package_is_drf_404(demo, api, key: str):
    response = await api.get(f"/api/v4/packages/{key}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


async def test_list_is_newest_id_first_with_drf_envelope(db, api):
    await build_catalogue(db, packages=3)
    body = (await api.get("/api/v4/packages/")).json()
    assert list(body) == ["count", "next", "previous", "results"]
    assert body["count"] == 3
    assert body["next"] is None and body["previous"] is None
    assert [package["id"] for package in body["results"]] == [3, 2, 1]
    assert body["results"][0]["grids"] == [
        "https://djangopackages.org/api/v4/grids/1/",
        "https://djangopackages.org/api/v4/grids/2/",
    ]
    assert body["results"][0]["participants"] == ["user3", "shared-user"]


async def test_list_items_are_the_detail_shape(demo, api):
    listed = (await api.get("/api/v4/packages/")).json()["results"]
    for item in listed:
        detail = await api.get(f"/api/v4/packages/{item['id']}/")
        assert exact(item) == exact(detail.json())

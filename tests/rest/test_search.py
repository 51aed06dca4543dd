"""v4 search: the SearchV2 item shape, the ranking, and the derived index fields."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import models
from rest.search_index import clean_title, grid_weight, package_weight, remove_prefix
from tests.factories import BASE_TIME, build_catalogue, category_record, package_record
from writes import IMPORTER, open_unit, upsert_category, upsert_grid, upsert_package
from writes.records import GridRecord

SEARCH_KEYS = [
    "description",
    "title",
    "created",
    "modified",
    "weight",
    "item_type",
    "title_no_prefix",
    "slug",
    "slug_no_prefix",
    "clean_title",
    "category",
    "absolute_url",
    "repo_watchers",
    "repo_forks",
    "pypi_downloads",
    "score",
    "usage",
    "participants",
    "last_committed",
    "last_released",
]


def grid_record(number: int, title: str, slug: str) -> GridRecord:
    return GridRecord(
        id=number,
        title=title,
        slug=slug,
        description="",
        is_locked=True,
        header=False,
        created=BASE_TIME,
        modified=BASE_TIME,
    )


async def _forms_catalogue(db) -> None:
    async with open_unit(db, actor=IMPORTER) as unit:
        session = unit.session
        await upsert_category(unit, category_record(1))
        for number, title, slug, watchers, score in [
            (1, "django-crispy-forms", "django-crispy-forms", 5000, 90),
            (2, "Forms Extra", "forms-extra", 500, None),
            (3, "Forms", "forms", 1, None),
            (4, "form-utils", "form-utils", 9000, 99),
            (5, "Better forms", "better-forms", 100, 10),
        ]:
            record = package_record(number, title=title, slug=slug, repo_watchers=watchers)
            await upsert_package(unit, record)
            row = await session.get(models.Package, number)
            assert row is not None
            row.score = score
        await upsert_grid(unit, grid_record(9, "Forms and widgets", "forms-and-widgets"))


async def test_ranking_exact_slug_then_title_prefix_then_the_rest(db, api):
    await _forms_catalogue(db)
    results = (await api.get("/api/v4/search/?q=Forms")).json()
    assert [(item["item_type"], item["slug"]) for item in results] == [
        ("package", "forms"),  # exact slug
        ("package", "forms-extra"),  # title prefix, more watchers than the grid
        ("grid", "forms-and-widgets"),  # title prefix
        ("package", "django-crispy-forms"),  # elsewhere, score 90
        ("package", "better-forms"),  # elsewhere, score 10
    ]


async def test_every_word_must_match_and_case_does_not_matter(db, api):
    await _forms_catalogue(db)
    results = (await api.get("/api/v4/search/", params={"q": "  CRISPY   forms "})).json()
    assert [item["slug"] for item in results] == ["django-crispy-forms"]


async def test_like_wildcards_are_plain_characters(db, api):
    await _forms_catalogue(db)
    for q in ("%", "_", "form%utils"):
        assert (await api.get("/api/v4/search/", params={"q": q})).json() == []


async def test_blank_or_missing_q_finds_nothing(db, api):
    await _forms_catalogue(db)
    assert (await api.get("/api/v4/search/")).json() == []
    assert (await api.get("/api/v4/search/?q=%20%20")).json() == []


async def test_at_most_20_results_best_first(db, api):
    await build_catalogue(db, packages=30, grids=0)
    results = (await api.get("/api/v4/search/?q=package")).json()
    assert len(results) == 20
    # All start with "package": ranked by watchers (10 per package number).
    assert [item["slug"] for item in results[:3]] == ["package-30", "package-29", "package-28"]


async def test_a_package_item_in_searchv2_shape(demo, api):
    results = (await api.get("/api/v4/search/?q=django-organizations")).json()
    item = results[0]
    assert list(item) == SEARCH_KEYS
    assert item["item_type"] == "package"
    assert item["title"] == "django-organizations"
    assert item["title_no_prefix"] == item["slug_no_prefix"] == "organizations"
    assert item["clean_title"] == "organizations"
    assert item["category"] == "App"
    assert item["absolute_url"] == "/packages/p/django-organizations/"
    assert item["repo_watchers"] == 1352
    assert item["pypi_downloads"] == item["score"] == item["usage"] == 0
    assert item["participants"].startswith("bennylope,mgrdcm,nemesifier,")
    assert item["last_committed"] == "2025-12-04T11:19:34-05:00"
    assert item["created"] == "2012-08-13T12:13:58.949977-04:00"
    assert item["last_released"] is None
    assert isinstance(item["weight"], int)


async def test_an_unfetched_category_is_an_empty_string(db, api):
    async with open_unit(db, actor=IMPORTER) as unit:
        await upsert_package(unit, package_record(1, category_id=9))  # category 9: an id only
    item = (await api.get("/api/v4/search/?q=package-1")).json()[0]
    assert item["category"] == ""


async def test_the_demo_categories_have_their_titles(demo, api):
    item = (await api.get("/api/v4/search/?q=django-shop")).json()[0]
    assert item["category"] == "Framework"


async def test_a_grid_item_in_searchv2_shape(db, api):
    async with open_unit(db, actor=IMPORTER) as unit:
        await upsert_grid(unit, grid_record(3, "Django CMS", "cms"))
    item = (await api.get("/api/v4/search/?q=cms")).json()[0]
    assert list(item) == SEARCH_KEYS
    assert item["item_type"] == "grid"
    assert item["absolute_url"] == "/grids/g/cms/"
    assert item["title_no_prefix"] == "cms"
    assert item["participants"] == item["category"] == ""
    assert item["last_committed"] is None
    # Locked, no header, no packages: int(100 - 100/6 - 100/6 - 100/6) in floats, as the source.
    assert item["weight"] == 49


def test_remove_prefix_and_clean_title_match_searchv2():
    assert remove_prefix("django-rest-framework-social-oauth2") == "rest-framework-social-oauth2"
    assert remove_prefix("Django SHOP") == "shop"
    assert clean_title("rest-framework-social-oauth2") == "restframeworksocialoauth2"
    assert clean_title("Café, au lait!") == "cafeaulait"


def test_package_weight_follows_the_rules():
    now = datetime(2026, 3, 1, tzinfo=UTC)
    row = models.Package(
        id=1,
        title="t",
        slug="t",
        repo_description="Something",
        repo_watchers=1000,
        repo_forks=3,
        pypi_downloads=7_500,
        last_updated=now - timedelta(days=100),
    )
    # not deprecated 20, description 20, downloads 7, forks 3, updated <6 months 10,
    # no release data 0, no usage data 0, watchers 20: 80 of 160.
    assert package_weight(row, now=now) == 50
    row.date_deprecated = now
    assert package_weight(row, now=now) == 37


def test_grid_weight_follows_calc_grid_weight():
    grid = models.Grid(id=1, is_locked=True, header=True)
    assert grid_weight(grid, package_count=3) == 83
    assert grid_weight(grid, package_count=0) == 66

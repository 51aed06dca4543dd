"""Mirroring a (fake) live v4 API: paging, following references, faults, re-runs."""

from __future__ import annotations

import copy

import httpx
from sqlalchemy import select
from sqlmodel import col

import models
from importer.items import Kind
from tests.importer.fake_api import BASE, NETWORK_ERROR
from tests.importer.helpers import counts, memberships, row_count, stubs, writes_in

SEED_MEMBERSHIPS = {
    (114, 1412),
    (243, 1412),
    (161, 1327),
    (160, 1327),
    (373, 2235),
    (71, 1326),
    (41, 631),
    (287, 631),
}


async def test_imports_every_record_and_no_stub_is_left(db, run_import, fake_api):
    summary = await run_import()
    assert summary.ok, summary.failures
    assert counts(summary, Kind.CATEGORY) == (2, 0, 0, 0)
    assert counts(summary, Kind.GRID) == (8, 0, 0, 0)
    assert counts(summary, Kind.PACKAGE) == (5, 0, 0, 0)
    assert await stubs(db) == []
    # Grid 114 also lists package 99999, which the API never delivered: not invented.
    assert await memberships(db) == SEED_MEMBERSHIPS
    assert await row_count(db, models.Package) == 5
    assert "/api/v4/packages/?limit=2&offset=4" in fake_api.paths()


async def test_pages_are_walked_with_limit_and_offset(run_import, fake_api):
    await run_import()
    package_pages = [p for p in fake_api.paths() if p.startswith("/api/v4/packages/?")]
    assert package_pages == [
        "/api/v4/packages/?limit=2&offset=0",
        "/api/v4/packages/?limit=2&offset=2",
        "/api/v4/packages/?limit=2&offset=4",
    ]


async def test_a_server_side_page_cap_is_respected(run_import, fake_api):
    fake_api.max_limit = 2
    summary = await run_import(page_size=100)
    assert counts(summary, Kind.PACKAGE) == (5, 0, 0, 0)
    assert "/api/v4/packages/?limit=2&offset=4" in fake_api.paths()


async def test_grids_and_categories_packages_point_at_are_fetched(db, run_import, fake_api):
    fake_api.unlisted = {("grids", 287), ("categories", 2)}
    summary = await run_import()
    assert summary.ok
    assert "/api/v4/grids/287/" in fake_api.paths()
    assert "/api/v4/categories/2/" in fake_api.paths()
    assert await stubs(db) == []
    # Package 631 made them placeholders, then their records came in the same run: created.
    assert counts(summary, Kind.GRID) == (8, 0, 0, 0)
    assert counts(summary, Kind.CATEGORY) == (2, 0, 0, 0)
    assert summary.placeholders == set()
    assert await memberships(db) == SEED_MEMBERSHIPS


async def test_one_package_by_slug_brings_its_category_and_grids(db, run_import, fake_api):
    summary = await run_import(f"{BASE}packages/django-shop/")
    assert summary.ok
    assert counts(summary, Kind.PACKAGE) == (1, 0, 0, 0)
    assert await stubs(db) == []
    assert sorted(fake_api.paths()) == [
        "/api/v4/categories/2/",
        "/api/v4/grids/287/",
        "/api/v4/grids/41/",
        "/api/v4/packages/django-shop/",
    ]
    assert await memberships(db) == {(41, 631), (287, 631)}


async def test_no_follow_leaves_references_as_stubs(db, run_import):
    await run_import(f"{BASE}packages/631/", follow=False)
    assert sorted(await stubs(db)) == [("category", 2), ("grid", 41), ("grid", 287)]


async def test_retries_honour_retry_after_and_back_off(run_import, fake_api, fake_time):
    fake_api.fail("categories/?limit=2&offset=0", NETWORK_ERROR)
    fake_api.fail("grids/?limit=2&offset=0", httpx.Response(500), httpx.Response(503))
    fake_api.fail("packages/?limit=2&offset=2", httpx.Response(429, headers={"Retry-After": "7"}))
    summary = await run_import()
    assert summary.ok
    assert counts(summary, Kind.PACKAGE) == (5, 0, 0, 0)
    first, second, third, rate_limited = fake_time.sleeps
    # Backoff doubles from 1 s with up to 25% jitter; Retry-After is taken as given.
    assert 1.0 <= first <= 1.25 and 1.0 <= second <= 1.25 and 2.0 <= third <= 2.5
    assert rate_limited == 7.0
    assert fake_api.paths().count("/api/v4/grids/?limit=2&offset=0") == 3


async def test_concurrency_is_bounded(run_import, fake_api):
    await run_import(concurrency=2, page_size=1)
    assert fake_api.most_in_flight == 2


async def test_a_malformed_record_is_reported_with_its_position_and_skipped(
    db, run_import, fake_api
):
    broken = copy.deepcopy(fake_api.find("packages", 1412))
    broken.update(id=7777, slug="  ")
    fake_api.data["packages"].insert(1, broken)
    summary = await run_import()
    assert counts(summary, Kind.PACKAGE) == (5, 0, 0, 1)
    [failure] = summary.failures
    assert failure.position == f"{BASE}packages/?limit=2&offset=0 results[1]"
    assert failure.message == "package 7777: slug: must not be empty"
    assert not summary.ok
    async with db.session() as session:
        assert await session.get(models.Package, 7777) is None


async def test_a_page_that_keeps_failing_is_reported_and_the_rest_imported(run_import, fake_api):
    fake_api.fail("packages/?limit=2&offset=2", *[httpx.Response(500)] * 5)
    summary = await run_import()
    assert counts(summary, Kind.PACKAGE) == (3, 0, 0, 0)
    assert summary.source_errors == [
        f"{BASE}packages/?limit=2&offset=2: HTTP 500 Internal Server Error (after 5 attempts)"
    ]
    assert not summary.ok


async def test_an_unreachable_api_stops_that_source_only(run_import, fake_api):
    fake_api.fail("categories/?limit=2&offset=0", *[NETWORK_ERROR] * 2)
    summary = await run_import(retries=1)
    assert summary.source_errors == [
        f"{BASE}categories/?limit=2&offset=0: "
        "ConnectError: connection reset by peer (after 2 attempts)"
    ]
    assert len(fake_api.requests) == 2
    assert not summary.outcomes


async def test_a_second_run_changes_nothing(db, run_import, count_statements):
    await run_import()
    with count_statements() as log:
        summary = await run_import()
    assert summary.ok
    assert counts(summary, Kind.CATEGORY) == (0, 0, 2, 0)
    assert counts(summary, Kind.GRID) == (0, 0, 8, 0)
    assert counts(summary, Kind.PACKAGE) == (0, 0, 5, 0)
    assert writes_in(log.statements) == []


async def test_a_changed_record_updates_only_its_row(db, run_import, fake_api, count_statements):
    await run_import()
    async with db.session() as session:
        before = {
            p.id: p.modified for p in (await session.execute(select(models.Package))).scalars()
        }
    fake_api.find("packages", 1326)["repo_watchers"] += 1
    with count_statements() as log:
        summary = await run_import()
    assert counts(summary, Kind.PACKAGE) == (0, 1, 4, 0)
    assert counts(summary, Kind.GRID) == (0, 0, 8, 0)
    [update, audit] = writes_in(log.statements)
    assert update.startswith("UPDATE package SET repo_watchers")
    assert audit.startswith("INSERT INTO audit_entry")
    async with db.session() as session:
        after = {
            p.id: p.modified for p in (await session.execute(select(models.Package))).scalars()
        }
    assert after == before  # `modified` is the source's, never bumped by us


async def test_a_package_that_leaves_a_grid_leaves_ours(db, run_import, fake_api, count_statements):
    await run_import()
    package = fake_api.find("packages", 1412)
    package["grids"] = [url for url in package["grids"] if "/114/" not in url]
    grid = fake_api.find("grids", 114)
    grid["packages"] = [url for url in grid["packages"] if "/1412/" not in url]
    summary = await run_import()
    assert (114, 1412) not in await memberships(db)
    assert counts(summary, Kind.PACKAGE) == (0, 1, 4, 0)
    with count_statements() as log:
        await run_import()
    assert writes_in(log.statements) == []


async def test_the_grid_list_wins_when_the_two_sides_disagree(
    db, run_import, fake_api, count_statements
):
    await run_import()
    grid = fake_api.find("grids", 114)  # the package still names grid 114
    grid["packages"] = [url for url in grid["packages"] if "/1412/" not in url]
    await run_import()
    assert (114, 1412) not in await memberships(db)
    with count_statements() as log:
        summary = await run_import()
    assert writes_in(log.statements) == []
    assert counts(summary, Kind.PACKAGE) == (0, 0, 5, 0)


async def test_participants_keep_their_order(db, run_import, fake_api):
    await run_import()
    link = models.PackageParticipant
    async with db.session() as session:
        logins = list(
            (
                await session.execute(
                    select(col(models.Participant.login))
                    .join(link, col(link.participant_id) == col(models.Participant.id))
                    .where(col(link.package_id) == 631)
                    .order_by(col(link.position))
                )
            ).scalars()
        )
    assert logins == fake_api.find("packages", 631)["participants"]
    assert len(logins) == 71

"""Small deterministic catalogues built through the real write path."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlmodel import col

import models
from core.db import Database
from writes import IMPORTER, open_unit, upsert_category, upsert_grid, upsert_package
from writes.records import CategoryRecord, GridRecord, PackageRecord

EASTERN = timezone(timedelta(hours=-5))
BASE_TIME = datetime(2024, 1, 15, 9, 30, 0, 123456, tzinfo=EASTERN)


def package_record(number: int, **overrides: object) -> PackageRecord:
    values: dict[str, object] = {
        "id": number,
        "title": f"package {number}",
        "slug": f"package-{number}",
        "category_id": 1,
        "grid_ids": (),
        "participants": (f"user{number}", "shared-user"),
        "repo_url": f"https://github.com/example/package-{number}",
        "repo_description": f"Package number {number}",
        "repo_watchers": number * 10,
        "repo_forks": number,
        "pypi_url": f"https://pypi.org/project/package-{number}/",
        "pypi_version": "1.0",
        "documentation_url": None,
        "last_updated": BASE_TIME + timedelta(days=number),
        "last_fetched": BASE_TIME,
        "created": BASE_TIME - timedelta(days=number),
        "modified": BASE_TIME,
        "commits_over_52": tuple([number % 3] * 52),
    }
    values.update(overrides)
    return PackageRecord(**values)  # type: ignore[arg-type]


def category_record(number: int = 1) -> CategoryRecord:
    return CategoryRecord(
        id=number,
        title=f"Category {number}",
        slug=f"category-{number}",
        description="",
        title_plural=f"Categories {number}",
        show_pypi=True,
        created=BASE_TIME,
        modified=BASE_TIME,
    )


async def build_catalogue(
    db: Database, *, packages: int, grids: int = 2, features_per_grid: int = 2
) -> None:
    """`packages` packages in category 1, each in every grid, with participants and cells."""
    async with open_unit(db, actor=IMPORTER) as unit:
        session = unit.session
        await upsert_category(unit, category_record(1))
        for grid_number in range(1, grids + 1):
            await upsert_grid(
                unit,
                GridRecord(
                    id=grid_number,
                    title=f"Grid {grid_number}",
                    slug=f"grid-{grid_number}",
                    description="",
                    is_locked=False,
                    header=False,
                    created=BASE_TIME,
                    modified=BASE_TIME,
                ),
            )
        for number in range(1, packages + 1):
            await upsert_package(
                unit,
                package_record(number, grid_ids=tuple(range(1, grids + 1))),
            )
        for grid_number in range(1, grids + 1):
            features = [
                models.Feature(grid_id=grid_number, title=f"Feature {index}", description="")
                for index in range(1, features_per_grid + 1)
            ]
            session.add_all(features)
        await session.flush()
        memberships = (await session.execute(select(models.GridPackage))).scalars().all()
        features_by_grid: dict[int, list[models.Feature]] = {}
        for feature in (
            await session.execute(select(models.Feature).order_by(col(models.Feature.id)))
        ).scalars():
            features_by_grid.setdefault(feature.grid_id, []).append(feature)
        for membership in memberships:
            for feature in features_by_grid.get(membership.grid_id, []):
                assert membership.id is not None and feature.id is not None
                session.add(
                    models.Element(
                        grid_package_id=membership.id,
                        feature_id=feature.id,
                        text=f"{feature.title} of package {membership.package_id}",
                    )
                )

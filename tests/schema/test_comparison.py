"""Grid.comparison: features x packages, cells aligned with features, ratings parsed."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

import models
from tests.factories import build_catalogue


async def _set_cell_texts(db, texts: dict[int, str]) -> None:
    async with db.transaction() as session:
        for element in (await session.execute(select(models.Element))).scalars():
            if element.id in texts:
                element.text = texts[element.id]


async def test_matrix_has_one_cell_per_feature_with_ratings(db, execute):
    await build_catalogue(db, packages=2, grids=1, features_per_grid=3)
    async with db.transaction() as session:
        elements = (
            (await session.execute(select(models.Element).order_by(col(models.Element.id))))
            .scalars()
            .all()
        )
        elements[0].text = "+1 works with DRF"
        elements[1].text = "--"
        await session.delete(elements[2])  # package 1 has no cell for feature 3
    result = await execute(
        "{ grid(id: 1) { comparison { features { title } rows { package { databaseId }"
        " cells { feature { title } text rating { sign intensity note } } } } } }"
    )
    assert result.errors is None
    comparison = result.data["grid"]["comparison"]
    assert [f["title"] for f in comparison["features"]] == ["Feature 1", "Feature 2", "Feature 3"]
    first_row = comparison["rows"][0]
    assert first_row["package"] == {"databaseId": 1}
    assert first_row["cells"] == [
        {
            "feature": {"title": "Feature 1"},
            "text": "+1 works with DRF",
            "rating": {"sign": "POSITIVE", "intensity": 1, "note": "works with DRF"},
        },
        {
            "feature": {"title": "Feature 2"},
            "text": "--",
            "rating": {"sign": "NEGATIVE", "intensity": 2, "note": None},
        },
        {"feature": {"title": "Feature 3"}, "text": None, "rating": None},
    ]
    assert len(comparison["rows"][1]["cells"]) == 3

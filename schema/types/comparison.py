"""A grid's comparison matrix: features x packages, each cell with its parsed rating."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from domain.ratings import Sign, parse_rating
from schema.context import Info
from schema.types.feature import Feature

if TYPE_CHECKING:
    from schema.types.package import Package


@strawberry.enum(description="Whether a cell speaks for or against the package.")
class RatingSign(Enum):
    POSITIVE = strawberry.enum_value(
        "positive", description="For: yes, check, good, +, ++, +1, +2 (shown as ticks)."
    )
    NEGATIVE = strawberry.enum_value(
        "negative", description="Against: no, bad, negative, evil, sucks, -, -1 (shown as crosses)."
    )


@strawberry.type(description="A rating written the Django Packages way (yes, +, ++, -1, sucks...).")
class Rating:
    sign: RatingSign = strawberry.field(description="For or against.")
    intensity: int = strawberry.field(
        description="1 to 3 ticks or crosses: yes, +, +1 are 1; ++, +2 are 2; +++, +3 and "
        "more are 3."
    )
    note: str | None = strawberry.field(
        description='Text after the rating keyword ("works with DRF" in "+1 works with DRF"); '
        "null when there is none."
    )


@strawberry.type(description="One cell: a package's value for a feature (text null if empty).")
class ComparisonCell:
    feature: Feature = strawberry.field(description="The column this cell is in.")
    text: str | None = strawberry.field(description="The cell as written; null when empty.")

    @strawberry.field(description="The rating the text expresses, or null for plain text.")
    def rating(self) -> Rating | None:
        parsed = parse_rating(self.text or "")
        if parsed is None:
            return None
        sign = RatingSign.POSITIVE if parsed.sign is Sign.POSITIVE else RatingSign.NEGATIVE
        return Rating(sign=sign, intensity=parsed.intensity, note=parsed.note)


@strawberry.type(description="A package's row: one cell per feature, in the features' order.")
class ComparisonRow:
    package_id: strawberry.Private[int]
    cells: list[ComparisonCell] = strawberry.field(
        description="One cell per feature, in the features' order (empty cells included)."
    )

    @strawberry.field(description="The package this row is about.")
    async def package(
        self, info: Info
    ) -> Annotated[Package, strawberry.lazy("schema.types.package")]:
        from schema.types.package import Package

        row = await info.context.loaders.package_by_id.load(self.package_id)
        assert row is not None, "a grid row's package is enforced by a foreign key"
        return Package.from_row(row)


@strawberry.type(description="The comparison matrix of a grid.")
class GridComparison:
    features: list[Feature] = strawberry.field(
        description="The columns, by id: the order of every row's cells."
    )
    rows: list[ComparisonRow] = strawberry.field(
        description="One row per package of the grid (the first N by id, with `first`)."
    )

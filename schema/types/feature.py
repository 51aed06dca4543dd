"""The GraphQL `Feature` and `Element` types: the columns and cells of a grid."""

from __future__ import annotations

import strawberry

import models
from readmodel import read_field, read_from, row_values
from readmodel import relations as links
from schema.context import Info


@strawberry.type(description="A feature a grid compares packages on (a column).")
@read_from(models.Feature)
class Feature:
    id: int = read_field(
        description="The feature's id (features have no global id): pass it as `featureId` "
        "to setElement, or as `id` to updateFeature and deleteFeature."
    )
    title: str = read_field(description='The column\'s heading, e.g. "Python 3 support".')
    description: str = read_field(description='What the column means; "" when not said.')
    version: int = read_field(description="Pass it back as `expectedVersion` to edit.")

    @classmethod
    def from_row(cls, row: models.Feature) -> Feature:
        return cls(**row_values(cls, row))


@strawberry.type(description="One cell of a comparison grid: a package's value for a feature.")
@read_from(models.Element)
class Element:
    text: str = read_field(
        description="The cell as written, never empty (Django Packages' rating words such as "
        "yes, +1, -, or any text)."
    )
    feature_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.Element) -> Element:
        return cls(**row_values(cls, row), feature_id=row.feature_id)

    @strawberry.field(
        description="The feature (column) this cell belongs to.",
        metadata=links.fetched_by(links.ELEMENT_FEATURE),
    )
    async def feature(self, info: Info) -> Feature:
        row = await info.context.loaders.feature_by_id.load(self.feature_id)
        assert row is not None, "an element's feature is enforced by a foreign key"
        return Feature.from_row(row)

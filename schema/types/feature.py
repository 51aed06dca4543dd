"""The GraphQL `Feature` and `Element` types: the columns and cells of a grid."""

from __future__ import annotations

import strawberry

import models
from schema.context import Info


@strawberry.type(description="A feature a grid compares packages on (a column).")
class Feature:
    id: int
    title: str
    description: str
    version: int = strawberry.field(description="Pass it back as `expectedVersion` to edit.")

    @classmethod
    def from_row(cls, row: models.Feature) -> Feature:
        assert row.id is not None
        return cls(id=row.id, title=row.title, description=row.description, version=row.version)


@strawberry.type(description="One cell of a comparison grid: a package's value for a feature.")
class Element:
    text: str
    feature_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.Element) -> Element:
        return cls(text=row.text, feature_id=row.feature_id)

    @strawberry.field(description="The feature (column) this cell belongs to.")
    async def feature(self, info: Info) -> Feature:
        row = await info.context.loaders.feature_by_id.load(self.feature_id)
        assert row is not None, "an element's feature is enforced by a foreign key"
        return Feature.from_row(row)

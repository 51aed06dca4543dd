"""The GraphQL `Feature` and `Element` types: the columns and cells of a grid."""

from __future__ import annotations

import strawberry

import models
from schema.context import Info


@strawberry.type(description="A feature a grid compares packages on (a column).")
class Feature:
    id: int = strawberry.field(
        description="The feature's id (features have no global id): pass it as `featureId` "
        "to setElement, or as `id` to updateFeature and deleteFeature."
    )
    title: str = strawberry.field(description='The column\'s heading, e.g. "Python 3 support".')
    description: str = strawberry.field(description='What the column means; "" when not said.')
    version: int = strawberry.field(description="Pass it back as `expectedVersion` to edit.")

    @classmethod
    def from_row(cls, row: models.Feature) -> Feature:
        assert row.id is not None
        return cls(id=row.id, title=row.title, description=row.description, version=row.version)


@strawberry.type(description="One cell of a comparison grid: a package's value for a feature.")
class Element:
    text: str = strawberry.field(
        description="The cell as written, never empty (Django Packages' rating words such as "
        "yes, +1, -, or any text)."
    )
    feature_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.Element) -> Element:
        return cls(text=row.text, feature_id=row.feature_id)

    @strawberry.field(description="The feature (column) this cell belongs to.")
    async def feature(self, info: Info) -> Feature:
        row = await info.context.loaders.feature_by_id.load(self.feature_id)
        assert row is not None, "an element's feature is enforced by a foreign key"
        return Feature.from_row(row)

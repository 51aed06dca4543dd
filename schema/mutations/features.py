"""Feature and cell mutations (write scope; the grid must be unlocked)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from auth import Scope
from schema.context import Info
from schema.described import FeatureKey, GridGlobalId, input_of
from schema.mutations.inputs import CreateFeatureInput, UpdateFeatureInput
from schema.mutations.payloads import Deleted
from schema.mutations.run import ExpectedVersion, database_id, given, run_write
from schema.types.feature import Element, Feature
from writes import features


@strawberry.type
class FeatureMutations:
    @strawberry.mutation(description="Add a feature (column) to a grid.")
    async def create_feature(
        self,
        info: Info,
        grid_id: GridGlobalId,
        input: Annotated[CreateFeatureInput, input_of("new feature's fields")],
    ) -> Feature:
        grid = database_id(grid_id, "Grid", "gridId")
        values = given(input)
        row = await run_write(
            info,
            Scope.WRITE,
            lambda unit: features.create_feature(unit, grid_id=grid, values=values),
        )
        return Feature.from_row(row)

    @strawberry.mutation(description="Change a feature's title or description.")
    async def update_feature(
        self,
        info: Info,
        id: FeatureKey,
        input: Annotated[UpdateFeatureInput, input_of("fields to change")],
        expected_version: ExpectedVersion,
    ) -> Feature:
        values = given(input)
        row = await run_write(
            info,
            Scope.WRITE,
            lambda unit: features.update_feature(
                unit, feature_id=id, expected_version=expected_version, values=values
            ),
        )
        return Feature.from_row(row)

    @strawberry.mutation(description="Delete a feature and its cells.")
    async def delete_feature(
        self,
        info: Info,
        id: FeatureKey,
        expected_version: ExpectedVersion,
    ) -> Deleted:
        await run_write(
            info,
            Scope.WRITE,
            lambda unit: features.delete_feature(
                unit, feature_id=id, expected_version=expected_version
            ),
        )
        return Deleted.of("Feature", id)

    @strawberry.mutation(
        description="Set one comparison cell (up to 1,000 characters); empty text clears it "
        "and answers null."
    )
    async def set_element(
        self,
        info: Info,
        grid_id: GridGlobalId,
        package_id: Annotated[
            relay.GlobalID,
            strawberry.argument(
                description="The package's global `id`; it must be in the grid (else "
                "BAD_USER_INPUT, with `extensions.fieldErrors`)."
            ),
        ],
        feature_id: Annotated[
            int,
            strawberry.argument(
                description="The feature's `id` (Feature.id); it must belong to the grid "
                "(else BAD_USER_INPUT, with `extensions.fieldErrors`)."
            ),
        ],
        text: Annotated[
            str,
            strawberry.argument(
                description="The cell's text, up to 1,000 characters (a rating such as yes or "
                "+1, or any text); empty clears the cell."
            ),
        ],
    ) -> Element | None:
        grid = database_id(grid_id, "Grid", "gridId")
        package = database_id(package_id, "Package", "packageId")
        row = await run_write(
            info,
            Scope.WRITE,
            lambda unit: features.set_element(
                unit, grid_id=grid, package_id=package, feature_id=feature_id, text=text
            ),
            argument=None,
        )
        return Element.from_row(row) if row else None

"""Category mutations (admin scope)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth import Scope
from schema.context import Info
from schema.described import CategoryGlobalId, input_of
from schema.mutations.inputs import CreateCategoryInput, UpdateCategoryInput
from schema.mutations.payloads import Deleted
from schema.mutations.run import ExpectedVersion, database_id, given, run_write
from schema.types.category import Category
from writes import categories


@strawberry.type
class CategoryMutations:
    @strawberry.mutation(description="Add a category (admin scope).")
    async def create_category(
        self, info: Info, input: Annotated[CreateCategoryInput, input_of("new category's fields")]
    ) -> Category:
        values = given(input)
        row = await run_write(
            info, Scope.ADMIN, lambda unit: categories.create_category(unit, values=values)
        )
        return Category.from_row(row)

    @strawberry.mutation(description="Change some fields of a category (admin scope).")
    async def update_category(
        self,
        info: Info,
        id: CategoryGlobalId,
        input: Annotated[UpdateCategoryInput, input_of("fields to change")],
        expected_version: ExpectedVersion,
    ) -> Category:
        category_id = database_id(id, "Category", "id")
        values = given(input)
        row = await run_write(
            info,
            Scope.ADMIN,
            lambda unit: categories.update_category(
                unit, category_id=category_id, expected_version=expected_version, values=values
            ),
        )
        return Category.from_row(row)

    @strawberry.mutation(
        description="Delete a category (admin scope); refused (CONFLICT) while packages use it."
    )
    async def delete_category(
        self,
        info: Info,
        id: CategoryGlobalId,
        expected_version: ExpectedVersion,
    ) -> Deleted:
        category_id = database_id(id, "Category", "id")
        await run_write(
            info,
            Scope.ADMIN,
            lambda unit: categories.delete_category(
                unit, category_id=category_id, expected_version=expected_version
            ),
        )
        return Deleted.of("Category", category_id)

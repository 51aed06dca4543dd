"""Grid mutations: the grid and its packages (write scope), locking (admin scope)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth import Scope
from schema.context import Info
from schema.described import GridGlobalId, PackageGlobalId, input_of
from schema.mutations.inputs import CreateGridInput, UpdateGridInput
from schema.mutations.payloads import Deleted
from schema.mutations.run import ExpectedVersion, database_id, given, run_write
from schema.types.grid import Grid
from writes import grids


@strawberry.type
class GridMutations:
    @strawberry.mutation(description="Add a comparison grid (write scope).")
    async def create_grid(
        self, info: Info, input: Annotated[CreateGridInput, input_of("new grid's fields")]
    ) -> Grid:
        values = given(input)
        row = await run_write(
            info, Scope.WRITE, lambda unit: grids.create_grid(unit, values=values)
        )
        return Grid.from_row(row)

    @strawberry.mutation(description="Change some fields of a grid (write scope; unlocked).")
    async def update_grid(
        self,
        info: Info,
        id: GridGlobalId,
        input: Annotated[UpdateGridInput, input_of("fields to change")],
        expected_version: ExpectedVersion,
    ) -> Grid:
        grid_id = database_id(id, "Grid", "id")
        values = given(input)
        row = await run_write(
            info,
            Scope.WRITE,
            lambda unit: grids.update_grid(
                unit, grid_id=grid_id, expected_version=expected_version, values=values
            ),
        )
        return Grid.from_row(row)

    @strawberry.mutation(description="Delete a grid, its features and cells (write scope).")
    async def delete_grid(
        self,
        info: Info,
        id: GridGlobalId,
        expected_version: ExpectedVersion,
    ) -> Deleted:
        grid_id = database_id(id, "Grid", "id")
        await run_write(
            info,
            Scope.WRITE,
            lambda unit: grids.delete_grid(
                unit, grid_id=grid_id, expected_version=expected_version
            ),
        )
        return Deleted.of("Grid", grid_id)

    @strawberry.mutation(description="Put a package in a grid; no-op if it is there.")
    async def add_package_to_grid(
        self, info: Info, grid_id: GridGlobalId, package_id: PackageGlobalId
    ) -> Grid:
        grid = database_id(grid_id, "Grid", "gridId")
        package = database_id(package_id, "Package", "packageId")
        row = await run_write(
            info,
            Scope.WRITE,
            lambda unit: grids.add_package(unit, grid_id=grid, package_id=package),
            argument=None,
        )
        return Grid.from_row(row)

    @strawberry.mutation(description="Take a package (and its cells) out of a grid.")
    async def remove_package_from_grid(
        self, info: Info, grid_id: GridGlobalId, package_id: PackageGlobalId
    ) -> Grid:
        grid = database_id(grid_id, "Grid", "gridId")
        package = database_id(package_id, "Package", "packageId")
        row = await run_write(
            info,
            Scope.WRITE,
            lambda unit: grids.remove_package(unit, grid_id=grid, package_id=package),
            argument=None,
        )
        return Grid.from_row(row)

    @strawberry.mutation(description="Lock a grid: only admins may edit it (admin scope).")
    async def lock_grid(self, info: Info, id: GridGlobalId) -> Grid:
        grid_id = database_id(id, "Grid", "id")
        row = await run_write(
            info, Scope.ADMIN, lambda unit: grids.set_locked(unit, grid_id=grid_id, locked=True)
        )
        return Grid.from_row(row)

    @strawberry.mutation(description="Unlock a grid (admin scope).")
    async def unlock_grid(self, info: Info, id: GridGlobalId) -> Grid:
        grid_id = database_id(id, "Grid", "id")
        row = await run_write(
            info, Scope.ADMIN, lambda unit: grids.set_locked(unit, grid_id=grid_id, locked=False)
        )
        return Grid.from_row(row)

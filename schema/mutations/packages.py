"""Package mutations (write scope)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth import Scope
from schema.context import Info
from schema.described import PackageGlobalId, input_of
from schema.mutations.inputs import CreatePackageInput, UpdatePackageInput
from schema.mutations.payloads import Deleted
from schema.mutations.run import ExpectedVersion, database_id, given, run_write
from schema.types.package import Package
from writes import packages


@strawberry.type
class PackageMutations:
    @strawberry.mutation(description="Add a package (write scope).")
    async def create_package(
        self, info: Info, input: Annotated[CreatePackageInput, input_of("new package's fields")]
    ) -> Package:
        values = given(input)
        row = await run_write(
            info, Scope.WRITE, lambda unit: packages.create_package(unit, values=values)
        )
        return Package.from_row(row)

    @strawberry.mutation(description="Change some fields of a package (write scope).")
    async def update_package(
        self,
        info: Info,
        id: PackageGlobalId,
        input: Annotated[UpdatePackageInput, input_of("fields to change")],
        expected_version: ExpectedVersion,
    ) -> Package:
        package_id = database_id(id, "Package", "id")
        values = given(input)
        row = await run_write(
            info,
            Scope.WRITE,
            lambda unit: packages.update_package(
                unit, package_id=package_id, expected_version=expected_version, values=values
            ),
        )
        return Package.from_row(row)

    @strawberry.mutation(description="Delete a package with its memberships (write scope).")
    async def delete_package(
        self,
        info: Info,
        id: PackageGlobalId,
        expected_version: ExpectedVersion,
    ) -> Deleted:
        package_id = database_id(id, "Package", "id")
        await run_write(
            info,
            Scope.WRITE,
            lambda unit: packages.delete_package(
                unit, package_id=package_id, expected_version=expected_version
            ),
        )
        return Deleted.of("Package", package_id)

    @strawberry.mutation(
        description="Replace a package's participants with these logins, in order (write scope)."
    )
    async def set_package_participants(
        self,
        info: Info,
        id: PackageGlobalId,
        logins: Annotated[
            list[str],
            strawberry.argument(
                description="The contributors' logins, in order: the list replaces the current "
                "one ([] removes everyone). Each 1 to 100 characters, no spaces or commas; a "
                "login not seen before is added as a participant."
            ),
        ],
        expected_version: Annotated[
            int | None,
            strawberry.argument(description="Optional: refuse if the package changed since."),
        ] = None,
    ) -> Package:
        package_id = database_id(id, "Package", "id")
        row = await run_write(
            info,
            Scope.WRITE,
            lambda unit: packages.set_participants(
                unit, package_id=package_id, logins=logins, expected_version=expected_version
            ),
            argument=None,
        )
        return Package.from_row(row)

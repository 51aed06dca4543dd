"""The GraphQL `Participant` type."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from loaders import ChildKey
from schema.arguments import page_size
from schema.context import Info

if TYPE_CHECKING:
    from schema.types.package import Package


@strawberry.type(description="A contributor to one or more packages' repositories.")
class Participant:
    login: str = strawberry.field(description="The repository host login (GitHub username).")
    id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.Participant) -> Participant:
        assert row.id is not None
        return cls(login=row.login, id=row.id)

    @strawberry.field(description="How many packages list this participant.")
    async def package_count(self, info: Info) -> int:
        return await info.context.loaders.package_count_of_participant.load(self.id)

    @strawberry.field(description="Packages this participant contributes to, by id.")
    async def packages(
        self, info: Info, first: int | None = None
    ) -> list[Annotated[Package, strawberry.lazy("schema.types.package")]]:
        from schema.types.package import Package

        key = ChildKey(self.id, page_size(first, default=None))
        rows = await info.context.loaders.packages_of_participant.load(key)
        return [Package.from_row(row) for row in rows]

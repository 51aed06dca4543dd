"""The GraphQL `Participant` type."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import strawberry
from strawberry import relay

import models
from domain.packages import github_avatar_url, github_profile_url
from readmodel import read_field, read_from, row_values
from readmodel import relations as links
from schema.context import Info
from schema.package_lists import nested_packages_field
from schema.types.nodes import load_nodes


@strawberry.type(description="A contributor to one or more packages' repositories.")
@read_from(models.Participant)
class Participant(relay.Node):
    login: str = read_field(description="The repository host login (GitHub username).")
    profile_url: str = read_field(
        column="login",
        compute=github_profile_url,
        description="GitHub profile page of the login.",
    )
    avatar_url: str = read_field(
        column="login",
        compute=github_avatar_url,
        description="GitHub avatar image of the login.",
    )
    row_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.Participant) -> Participant:
        assert row.id is not None
        return cls(**row_values(cls, row), row_id=row.id)

    @classmethod
    def resolve_id(cls, root: Participant, *, info: Info) -> str:
        return str(root.row_id)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> Sequence[Participant | None]:
        loader = info.context.loaders.participant_by_id
        rows = await load_nodes(loader, node_ids, "Participant", required)
        return [cls.from_row(row) if row else None for row in rows]

    @strawberry.field(
        description="How many packages list this participant.",
        metadata=links.fetched_by(links.PARTICIPANT_MEMBERSHIPS),
    )
    async def package_count(self, info: Info) -> int:
        return await info.context.loaders.package_count_of_participant.load(self.row_id)

    packages = nested_packages_field(
        lambda loaders: loaders.packages_page_of_participant,
        lambda parent: parent.row_id,
        "Packages this participant contributes to (default: by id).",
        links.PARTICIPANT_PACKAGES,
    )

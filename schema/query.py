"""The root `Query`: look-ups by key, connections, node look-ups and search."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from sqlalchemy import Select, select
from strawberry import relay

import models
from auth import Scope
from core.characters import MAX_NAME_LENGTH, MAX_SEARCH_LENGTH
from loaders.paging import Ordering, SortColumn, Window, count_rows, fetch_pages
from readmodel.roots import fetches
from schema import roots
from schema.arguments import MAX_PAGE_SIZE, checked_search, page_size, page_window
from schema.context import Info
from schema.described import (
    After,
    Before,
    CategoryKeyId,
    CategoryKeySlug,
    First,
    GridFilterArgument,
    GridKeyId,
    GridKeySlug,
    GridOrderArgument,
    IncludeUnfetched,
    Last,
    PackageFilterArgument,
    PackageKeyId,
    PackageKeySlug,
    PackageOrderArgument,
    ParticipantFilterArgument,
    ParticipantOrderArgument,
)
from schema.list_caps import MaxItems
from schema.permissions import require
from schema.rate_limit import RateLimit, rate_limit_field
from schema.roots import listed_page, look_up
from schema.search import SearchResult, search
from schema.types.audit import AuditEntry, AuditObjectType
from schema.types.category import Category
from schema.types.connection import Connection
from schema.types.grid import Grid
from schema.types.package import Package
from schema.types.participant import Participant
from schema.webhooks import WebhookQueries


async def _connection(
    info: Info, *, entity: type[Any], base: Select[Any], ordering: Ordering, window: Window
) -> tuple[Any, Any]:
    async with info.context.db.session() as session:
        pages = await fetch_pages(
            session, entity=entity, base=base, ordering=ordering, window=window
        )

    async def total() -> int:
        async with info.context.db.session() as session:
            return await count_rows(session, base)

    return pages[None], total


_audit: Any = models.AuditEntry
AUDIT_NEWEST_FIRST = Ordering("audit:NEWEST_FIRST", (SortColumn(_audit.id, descending=True),))


@strawberry.type
class CatalogueQueries:
    node: relay.Node | None = relay.node(description="Any object by its global id.")
    nodes: list[relay.Node | None] = relay.node(
        description=f"Objects by global ids, batched (at most {MAX_PAGE_SIZE}).",
        extensions=[MaxItems("ids", MAX_PAGE_SIZE)],
    )
    rate_limit: RateLimit | None = strawberry.field(
        resolver=rate_limit_field,
        description="The caller's rate-limit budget (null: not limited). Asking costs "
        "nothing beyond the operation's own points.",
    )

    @strawberry.field(
        description="One package, by its Django Packages id or by slug.",
        metadata=fetches(roots.PACKAGE),
    )
    async def package(
        self, info: Info, id: PackageKeyId = None, slug: PackageKeySlug = None
    ) -> Package | None:
        row = await look_up(info, id=id, slug=slug)
        return Package.from_row(row) if row else None

    @strawberry.field(
        description="Packages, filtered and ordered (default: by id).",
        metadata=fetches(roots.PACKAGES),
    )
    async def packages(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: PackageFilterArgument = None,
        order_by: PackageOrderArgument = None,
    ) -> Connection[Package]:
        page, total = await listed_page(
            info,
            first=first,
            after=after,
            last=last,
            before=before,
            filter=filter,
            order_by=order_by,
        )
        info.context.loaders.prime_packages(page.rows)
        return Connection.from_page(page, Package.from_row, total)

    @strawberry.field(description="One grid, by id or by slug.", metadata=fetches(roots.GRID))
    async def grid(self, info: Info, id: GridKeyId = None, slug: GridKeySlug = None) -> Grid | None:
        row = await look_up(info, id=id, slug=slug)
        return Grid.from_row(row) if row else None

    @strawberry.field(
        description="Grids, filtered and ordered (default: by id).",
        metadata=fetches(roots.GRIDS),
    )
    async def grids(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: GridFilterArgument = None,
        order_by: GridOrderArgument = None,
        include_unfetched: IncludeUnfetched = False,
    ) -> Connection[Grid]:
        page, total = await listed_page(
            info,
            first=first,
            after=after,
            last=last,
            before=before,
            filter=filter,
            order_by=order_by,
            include_unfetched=include_unfetched,
        )
        return Connection.from_page(page, Grid.from_row, total)

    @strawberry.field(
        description="One category, by id or by slug.", metadata=fetches(roots.CATEGORY)
    )
    async def category(
        self, info: Info, id: CategoryKeyId = None, slug: CategoryKeySlug = None
    ) -> Category | None:
        row = await look_up(info, id=id, slug=slug)
        return Category.from_row(row) if row else None

    @strawberry.field(description="Categories, by id.", metadata=fetches(roots.CATEGORIES))
    async def categories(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        include_unfetched: IncludeUnfetched = False,
    ) -> Connection[Category]:
        page, total = await listed_page(
            info,
            first=first,
            after=after,
            last=last,
            before=before,
            include_unfetched=include_unfetched,
        )
        return Connection.from_page(page, Category.from_row, total)

    @strawberry.field(
        description="One participant, by login (case-sensitive).",
        metadata=fetches(roots.PARTICIPANT),
    )
    async def participant(
        self,
        info: Info,
        login: Annotated[
            str,
            strawberry.argument(
                description="The repository host login, e.g. a GitHub username (case-sensitive); "
                f"an unknown one answers null. At most {MAX_NAME_LENGTH} characters on one "
                "line (more, or a control character: BAD_USER_INPUT)."
            ),
        ],
    ) -> Participant | None:
        row = await look_up(info, login=login)
        return Participant.from_row(row) if row else None

    @strawberry.field(
        description="Participants, filtered and ordered (default: by login).",
        metadata=fetches(roots.PARTICIPANTS),
    )
    async def participants(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: ParticipantFilterArgument = None,
        order_by: ParticipantOrderArgument = None,
    ) -> Connection[Participant]:
        page, total = await listed_page(
            info,
            first=first,
            after=after,
            last=last,
            before=before,
            filter=filter,
            order_by=order_by,
        )
        return Connection.from_page(page, Participant.from_row, total)

    @strawberry.field(
        description="Packages and grids matching a text, ranked: exact slug, then title "
        "prefix, then the rest; then by score."
    )
    async def search(
        self,
        info: Info,
        query: Annotated[
            str,
            strawberry.argument(
                description="The text to look for, case-insensitive, in titles, slugs and "
                f"descriptions; blank: an empty list. At most {MAX_SEARCH_LENGTH} characters "
                "on one line (more, or a control character: BAD_USER_INPUT)."
            ),
        ],
        first: Annotated[
            int | None,
            strawberry.argument(
                description=f"How many results: 1 to {MAX_PAGE_SIZE} (out of range: "
                "BAD_USER_INPUT); default 10."
            ),
        ] = None,
    ) -> list[SearchResult]:
        checked_search(query, argument="query")
        return await search(info, query, page_size(first, default=10) or 10)

    @strawberry.field(
        description="Who changed what and when, newest first (admin scope). Filter by object."
    )
    async def audit_log(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        object_type: Annotated[
            AuditObjectType | None,
            strawberry.argument(description="Only changes to objects of this kind; null: all."),
        ] = None,
        object_id: Annotated[
            int | None,
            strawberry.argument(
                description="Only changes to the object with this database id (with "
                "`objectType`, one object); null: all."
            ),
        ] = None,
    ) -> Connection[AuditEntry]:
        await require(info, Scope.ADMIN)
        window = page_window(
            first=first, after=after, last=None, before=None, ordering=AUDIT_NEWEST_FIRST
        )
        base = select(models.AuditEntry)
        if object_type is not None:
            base = base.where(_audit.object_type == object_type.value)
        if object_id is not None:
            base = base.where(_audit.object_id == object_id)
        page, total = await _connection(
            info, entity=models.AuditEntry, base=base, ordering=AUDIT_NEWEST_FIRST, window=window
        )
        return Connection.from_page(page, AuditEntry.from_row, total)


@strawberry.type(
    description="Reads. The catalogue is public (no token); `auditLog` and the webhooks need "
    "an admin token. Every query is costed before it runs (see `rateLimit`)."
)
class Query(CatalogueQueries, WebhookQueries):
    """The catalogue first, then the administration of webhooks."""

"""Relay-style connections: edges with opaque cursors, pageInfo and totalCount."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

import strawberry

from loaders.paging import Page

NodeT = TypeVar("NodeT")


@strawberry.type(description="Where a page sits in its list (Relay cursor connections).")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="Paging forward (`first`): true when rows follow this page. Paging back "
        "(`last`): true when the page was asked `before` a cursor."
    )
    has_previous_page: bool = strawberry.field(
        description="Paging back (`last`): true when rows come before this page. Paging "
        "forward: true when the page was asked `after` a cursor."
    )
    start_cursor: str | None = strawberry.field(
        description="The first edge's cursor, to page back with `before`; null on an empty page."
    )
    end_cursor: str | None = strawberry.field(
        description="The last edge's cursor, to page on with `after`; null on an empty page."
    )


@strawberry.type(description="One item of a page, with its cursor.")
class Edge(Generic[NodeT]):
    cursor: str = strawberry.field(
        description="Opaque; stays valid while rows are inserted before it. Pass it as "
        "`after` or `before` to page from this item."
    )
    node: NodeT = strawberry.field(description="The item.")


@strawberry.type(
    description="A page of a list (a Relay cursor connection): `nodes` for the items alone, "
    "`edges` for each with its cursor, `pageInfo` to page on, `totalCount` for the whole list."
)
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]] = strawberry.field(
        description="The page's items with their cursors; empty past the end."
    )
    page_info: PageInfo = strawberry.field(description="Where this page sits in its list.")
    count_total: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="The nodes of the edges, for clients that need no cursors.")
    def nodes(self) -> list[NodeT]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many nodes the whole list has, across all pages.")
    async def total_count(self) -> int:
        return await self.count_total()

    @classmethod
    def from_page(
        cls,
        page: Page[Any],
        convert: Callable[[Any], NodeT],
        count_total: Callable[[], Awaitable[int]] | None = None,
    ) -> Connection[NodeT]:
        edges = [
            Edge(cursor=cursor, node=convert(row))
            for row, cursor in zip(page.rows, page.cursors, strict=True)
        ]
        known_total = page.total_count

        async def total() -> int:
            if count_total is not None:
                return await count_total()
            assert known_total is not None
            return known_total

        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=page.has_previous_page,
                start_cursor=page.cursors[0] if page.cursors else None,
                end_cursor=page.cursors[-1] if page.cursors else None,
            ),
            count_total=total,
        )

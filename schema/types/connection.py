"""Relay-style connections: edges with opaque cursors, pageInfo and totalCount."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

import strawberry

from loaders.paging import Page

NodeT = TypeVar("NodeT")


@strawberry.type(description="Where a page sits in its list (Relay cursor connections).")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool = strawberry.field(
        description="When paging forward, true when the page was asked `after` a cursor."
    )
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str = strawberry.field(
        description="Opaque; stays valid while rows are inserted before it."
    )
    node: NodeT


@strawberry.type
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    page_info: PageInfo
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

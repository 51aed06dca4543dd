"""Package connections: the same arguments at the root and under a category, grid or person."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from strawberry.dataloader import DataLoader

from loaders import Loaders
from loaders.connections import PageKey
from loaders.orderings import PACKAGE_ORDERINGS
from loaders.paging import Ordering, Page, Window
from readmodel.relations import Link, fetched_by
from schema import roots
from schema.arguments import page_window
from schema.context import Info
from schema.described import (
    After,
    Before,
    First,
    Last,
    PackageFilterArgument,
    PackageOrderArgument,
)
from schema.inputs import PackageFilter, PackageOrder
from schema.types.connection import Connection
from schema.types.package import Package

DEFAULT_PACKAGE_ORDER = roots.PACKAGES.ordering


def package_ordering(order_by: PackageOrder | None) -> tuple[str, Ordering]:
    key = order_by.key if order_by else DEFAULT_PACKAGE_ORDER
    return key, PACKAGE_ORDERINGS[key]


def package_window(
    order_by: PackageOrder | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> tuple[str, Ordering, Window]:
    key, ordering = package_ordering(order_by)
    window = page_window(first=first, after=after, last=last, before=before, ordering=ordering)
    return key, ordering, window


async def nested_packages(
    loader: DataLoader[PageKey, Page[Any]],
    parent_id: int,
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    filter: PackageFilter | None,
    order_by: PackageOrder | None,
) -> Connection[Package]:
    key, _, window = package_window(order_by, first, after, last, before)
    spec = filter.to_spec() if filter else None
    page = await loader.load(PageKey(parent_id, window, key, spec))
    return Connection.from_page(page, Package.from_row)


def nested_packages_field(
    loader: Callable[[Loaders], DataLoader[PageKey, Page[Any]]],
    parent_id: Callable[[Any], int],
    description: str,
    link: Link,
) -> Any:
    """`packages(first, after, last, before, filter, orderBy)` under a category, grid or person.

    One definition, so the three nested lists take exactly the same arguments.
    """

    async def resolve(
        root: Any,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: PackageFilterArgument = None,
        order_by: PackageOrderArgument = None,
    ) -> Connection[Package]:
        return await nested_packages(
            loader(info.context.loaders),
            parent_id(root),
            first=first,
            after=after,
            last=last,
            before=before,
            filter=filter,
            order_by=order_by,
        )

    return strawberry.field(resolver=resolve, description=description, metadata=fetched_by(link))

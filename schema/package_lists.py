"""Package connections: the same arguments at the root and under a category, grid or person."""

from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader

from loaders.connections import PageKey
from loaders.orderings import PACKAGE_ORDERINGS
from loaders.paging import Ordering, Page, Window
from schema.arguments import page_window
from schema.inputs import PackageFilter, PackageOrder
from schema.types.connection import Connection
from schema.types.package import Package

DEFAULT_PACKAGE_ORDER = "ID_ASC"


def package_ordering(order_by: PackageOrder | None) -> tuple[str, Ordering]:
    key = order_by.key if order_by else DEFAULT_PACKAGE_ORDER
    return key, PACKAGE_ORDERINGS[key]


def package_window(
    order_by: PackageOrder | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> tuple[str, Window]:
    key, ordering = package_ordering(order_by)
    window = page_window(first=first, after=after, last=last, before=before, ordering=ordering)
    return key, window


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
    key, window = package_window(order_by, first, after, last, before)
    spec = filter.to_spec() if filter else None
    page = await loader.load(PageKey(parent_id, window, key, spec))
    return Connection.from_page(page, Package.from_row)

"""The catalogue's root fetches (`readmodel.roots`), and what both executors derive from one.

Each declaration below rides on its Query field (`schema.query`, `metadata=fetches(...)`).
`lookup_key`, `listing_window` and `listing_where` turn a field's arguments into the
column, page and conditions it fetches by, with the checks that refuse a request
(BAD_USER_INPUT); the reference resolvers (`look_up`, `listed_page`) and the compiler
(`fastpath.relations.root_relation`) both call them, so a request is refused alike.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, select

import models
from loaders import filters
from loaders.listing import listed
from loaders.orderings import (
    CATEGORY_ORDERINGS,
    GRID_ORDERINGS,
    PACKAGE_ORDERINGS,
    PARTICIPANT_ORDERINGS,
)
from loaders.paging import Ordering, Page, Window, count_rows, fetch_pages
from readmodel.roots import Listing, Lookup, Root, root_of
from schema.arguments import checked_name, page_window
from schema.context import Info
from schema.errors import BadUserInput

PACKAGE = Lookup(models.Package, ("id", "slug"))
"""`Query.package`."""

GRID = Lookup(models.Grid, ("id", "slug"))
"""`Query.grid`."""

CATEGORY = Lookup(models.Category, ("id", "slug"))
"""`Query.category`."""

PARTICIPANT = Lookup(models.Participant, ("login",))
"""`Query.participant`."""

PACKAGES = Listing(
    models.Package,
    PACKAGE_ORDERINGS,
    "ID_ASC",
    where=lambda spec, dialect, now: filters.package_conditions(spec, dialect=dialect, now=now),
)
"""`Query.packages`."""

GRIDS = Listing(
    models.Grid,
    GRID_ORDERINGS,
    "ID_ASC",
    where=lambda spec, dialect, now: filters.grid_conditions(spec, dialect=dialect),
    listed_only=True,
)
"""`Query.grids`."""

CATEGORIES = Listing(models.Category, CATEGORY_ORDERINGS, "ID_ASC", listed_only=True)
"""`Query.categories`."""

PARTICIPANTS = Listing(
    models.Participant,
    PARTICIPANT_ORDERINGS,
    "LOGIN_ASC",
    where=lambda spec, dialect, now: filters.participant_conditions(spec),
)
"""`Query.participants`."""


# ---- derived by both executors ------------------------------------------------------------


def lookup_key(lookup: Lookup, kwargs: dict[str, Any]) -> tuple[str, Any]:
    """The column to match and its value. With several keys exactly one is given (both
    would be ambiguous, neither meaningless); a text key fits one line of a name."""
    given = [key for key in lookup.keys if kwargs.get(key) is not None]
    if len(given) != 1:
        names = " or ".join(f"'{key}'" for key in lookup.keys)
        raise BadUserInput(
            f"Give exactly one of {names}.", argument=given[0] if given else lookup.keys[-1]
        )
    key = given[0]
    value = kwargs[key]
    if isinstance(value, str):
        checked_name(value, argument=key)
    return key, value


def listing_window(listing: Listing, kwargs: dict[str, Any]) -> tuple[Ordering, Window]:
    """The ordering `orderBy` picks (the listing's default without it) and the page asked."""
    order_by = kwargs.get("order_by")
    ordering: Ordering = listing.orderings[order_by.key if order_by else listing.ordering]
    window = page_window(
        first=kwargs.get("first"),
        after=kwargs.get("after"),
        last=kwargs.get("last"),
        before=kwargs.get("before"),
        ordering=ordering,
    )
    return ordering, window


Conditions = Callable[[], list[ColumnElement[bool]]]


def listing_where(
    listing: Listing, kwargs: dict[str, Any], dialect: str
) -> tuple[Conditions, bool]:
    """The listing's conditions (built on call: they are SQL expressions) and whether
    they hold no request value (no filter given, the default listing): then the
    statement is the field's usual one. The filter is checked (`to_spec`) here."""
    given = kwargs.get("filter")
    spec = None if given is None or listing.where is None else given.to_spec()
    now = datetime.now(UTC) if spec is not None else None
    include_unfetched = bool(kwargs.get("include_unfetched"))
    where = listing.where
    table = listing.source

    def conditions() -> list[ColumnElement[bool]]:
        shown = (
            listed(table.c.is_fetched, include_unfetched=include_unfetched)
            if listing.listed_only
            else []
        )
        if spec is None or where is None or now is None:
            return shown
        return [*shown, *where(spec, dialect, now)]

    return conditions, spec is None and not include_unfetched


# ---- the reference resolvers -------------------------------------------------------------


def _declared(info: Info) -> Root:
    """The resolved field's own declaration (its Strawberry metadata)."""
    root = root_of(info._field.metadata)
    if root is None:
        raise TypeError(f"Query.{info.field_name} declares no root fetch (`fetches`)")
    return root


async def look_up(info: Info, **kwargs: Any) -> Any:
    """The row the field's `Lookup` finds, or None, through the request's DataLoader of
    that column (`Loaders.unique`)."""
    lookup = _declared(info)
    assert isinstance(lookup, Lookup)
    column, value = lookup_key(lookup, kwargs)
    return await info.context.loaders.unique(lookup.entity, column).load(value)


async def listed_page(info: Info, **kwargs: Any) -> tuple[Page[Any], Callable[[], Any]]:
    """The page the field's `Listing` answers, and its total count (counted on demand)."""
    listing = _declared(info)
    assert isinstance(listing, Listing)
    ordering, window = listing_window(listing, kwargs)
    conditions, _ = listing_where(listing, kwargs, info.context.db.dialect)
    base = select(listing.entity).where(*conditions())
    async with info.context.db.session() as session:
        pages = await fetch_pages(
            session, entity=listing.entity, base=base, ordering=ordering, window=window
        )

    async def total() -> int:
        async with info.context.db.session() as session:
            return await count_rows(session, base)

    return pages[None], total

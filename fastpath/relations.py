"""The fields that fetch: one batched statement per field and level, for every parent;
which rows and in what order is the read model's (`readmodel.relations` for relations,
`readmodel.roots` for root fields, read from the field's metadata), shared with the
reference resolvers;
on PostgreSQL, a relation's `nest` folds it into its parent's statement instead
(`fastpath.nesting`) when the document fixes its arguments.

Arguments are checked by the reference's own helpers (`schema.arguments`, `schema.roots`,
`schema.package_lists`, the inputs' `to_spec`), so a request they refuse raises here
and the whole request goes to the reference executor for its error.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import Column, ColumnElement, FromClause, Select, select

from fastpath import sql
from fastpath.nesting import Nest
from fastpath.plan import Env
from fastpath.statements import StatementCache
from loaders import filters
from loaders.cursors import encode_cursor
from loaders.orderings import SOURCE_ORDER
from loaders.paging import Ordering, Window, window_clauses
from readmodel import relations as links
from readmodel.relations import Link
from readmodel.roots import Listing, Lookup, Root
from schema.arguments import page_size, page_window
from schema.package_lists import package_window
from schema.roots import listing_where, listing_window, lookup_key

Columns = Sequence[ColumnElement[Any]]


@dataclass(frozen=True)
class Needs:
    """What a connection's selection reads beyond the rows."""

    total: bool = False
    cursors: bool = False


Conditions = Callable[[], list[ColumnElement[bool]]]
Fetch = Callable[
    [Env, list[Hashable], dict[str, Any], Columns, Needs, StatementCache],
    Awaitable[dict[Any, Any]],
]


Nester = Callable[[dict[str, Any]], Nest | None]
"""The relation folded into its parent's statement for these (literal) arguments, or None
when they need a statement of its own (a filter, a cursor, paging backward)."""


@dataclass(frozen=True)
class Relation:
    """`kind`: one (object or null), list, page (a connection) or value (a scalar)."""

    kind: str
    parent_column: Column[Any] | None
    fetch: Fetch
    nest: Nester | None = None


def _finish(
    pages: dict[Hashable, sql.PageRows], ordering: Ordering, n: int, needs: Needs
) -> dict[Any, Any]:
    if needs.cursors:
        width = len(ordering.columns)
        for page in pages.values():
            page.cursors = [
                encode_cursor(ordering.name, tuple(r[n : n + width])) for r in page.rows
            ]
    return pages


# ---- root fields, from their declaration (`readmodel.roots`) ---------------------------


def _look_up(lookup: Lookup) -> Fetch:
    """The row whose key column equals the argument given (`schema.roots.lookup_key`)."""
    table = lookup.source

    async def fetch(
        env: Env,
        keys: list[Hashable],
        kwargs: dict[str, Any],
        columns: Columns,
        needs: Needs,
        cache: StatementCache,
    ) -> dict[Any, Any]:
        key, value = lookup_key(lookup, kwargs)
        return {None: await sql.lookup_one(env, cache, columns, table, table.c[key], value)}

    return fetch


def _to_one(link: Link) -> Fetch:
    """The child whose `child_key` is the parent's `parent_key` (a foreign key)."""

    async def fetch(
        env: Env,
        keys: list[Hashable],
        kwargs: dict[str, Any],
        columns: Columns,
        needs: Needs,
        cache: StatementCache,
    ) -> dict[Any, Any]:
        return await sql.lookup(env, cache, columns, link.source, link.child_key, keys)

    return fetch


# ---- connections -----------------------------------------------------------------------


async def _top_page(
    env: Env,
    cache: StatementCache,
    table: Any,
    conditions: Conditions,
    cacheable: bool,
    ordering: Ordering,
    window: Window,
    columns: Columns,
    needs: Needs,
) -> dict[Any, Any]:
    """A top-level connection; `cacheable` when `conditions` hold no request value."""

    def base() -> Select[Any]:
        return select().select_from(table).where(*conditions())

    def count_base() -> Select[Any]:
        return select(table.c.id).where(*conditions())

    pages = await sql.pages(
        env,
        cache,
        columns=columns,
        base=base,
        ordering=ordering,
        window=window,
        cacheable=cacheable,
    )
    if needs.total:
        pages[None].total_count = await sql.count_rows(env, cache, count_base, cacheable)
    return _finish(pages, ordering, len(columns), needs)


def _listing(listing: Listing) -> Fetch:
    """A root connection: its ordering and window from the arguments, then its
    conditions (built per request, as a filter's hold the request's values)."""

    async def fetch(
        env: Env,
        keys: list[Hashable],
        kwargs: dict[str, Any],
        columns: Columns,
        needs: Needs,
        cache: StatementCache,
    ) -> dict[Any, Any]:
        ordering, window = listing_window(listing, kwargs)
        conditions, cacheable = listing_where(listing, kwargs, env.dialect)
        return await _top_page(
            env, cache, listing.source, conditions, cacheable, ordering, window, columns, needs
        )

    return fetch


@cache
def root_relation(root: Root) -> Relation:
    """How the compiler fetches a root field, from the declaration in its metadata (one
    `Relation` per declaration, so plans share it)."""
    if isinstance(root, Lookup):
        return Relation("one", None, _look_up(root))
    return Relation("page", None, _listing(root))


def _window(kwargs: dict[str, Any], ordering: Ordering) -> Window:
    return page_window(
        first=kwargs["first"],
        after=kwargs["after"],
        last=kwargs["last"],
        before=kwargs["before"],
        ordering=ordering,
    )


def _in_one_ordering(link: Link, ordering: Ordering) -> Fetch:
    """A connection under a parent that takes no `orderBy` nor filter: always `ordering`,
    sorted inside the LATERAL by the link table's own columns when the link names them
    (`Link.sorted_by`)."""
    lateral = _lateral(link, ordering)

    async def fetch(
        env: Env,
        keys: list[Hashable],
        kwargs: dict[str, Any],
        columns: Columns,
        needs: Needs,
        cache: StatementCache,
    ) -> dict[Any, Any]:
        window = _window(kwargs, ordering)
        pages = await sql.pages(
            env,
            cache,
            columns=columns,
            base=lambda: select().select_from(link.source),
            ordering=ordering,
            window=window,
            parent=link.child_key,
            parent_ids=keys,
            with_total=needs.total,
            lateral=lateral,
        )
        return _finish(pages, ordering, len(columns), needs)

    return fetch


def _lateral(link: Link, ordering: Ordering) -> sql.Lateral | None:
    """`ordering` on `link.sorted_by`, each column in its sort column's direction."""
    if not link.sorted_by:
        return None
    if len(link.sorted_by) != len(ordering.columns):
        raise ValueError(f"{ordering.name}: `sorted_by` names one column per sort column")
    return sql.Lateral(
        lambda: select().select_from(link.source),
        Ordering(
            ordering.name,
            tuple(
                replace(sort, expression=column)
                for sort, column in zip(ordering.columns, link.sorted_by, strict=True)
            ),
        ),
    )


def _nested_packages(source: FromClause, parent: Column[Any]) -> Fetch:
    """`packages(...)` under a category, grid or participant (`loaders.connections`)."""

    async def fetch(
        env: Env,
        keys: list[Hashable],
        kwargs: dict[str, Any],
        columns: Columns,
        needs: Needs,
        cache: StatementCache,
    ) -> dict[Any, Any]:
        _, ordering, window = package_window(
            kwargs["order_by"], kwargs["first"], kwargs["after"], kwargs["last"], kwargs["before"]
        )
        spec = None if kwargs["filter"] is None else kwargs["filter"].to_spec()
        now = datetime.now(UTC)

        def base() -> Select[Any]:
            query = select().select_from(source)
            if spec is None:
                return query
            return query.where(*filters.package_conditions(spec, dialect=env.dialect, now=now))

        pages = await sql.pages(
            env,
            cache,
            columns=columns,
            base=base,
            ordering=ordering,
            window=window,
            cacheable=spec is None,
            parent=parent,
            parent_ids=keys,
            with_total=needs.total,
        )
        return _finish(pages, ordering, len(columns), needs)

    return fetch


# ---- child lists -----------------------------------------------------------------------


def _children(
    source: FromClause,
    parent: Column[Any],
    order_by: Sequence[ColumnElement[Any]],
    first: Callable[[dict[str, Any]], int | None] = lambda kwargs: None,
) -> Fetch:
    async def fetch(
        env: Env,
        keys: list[Hashable],
        kwargs: dict[str, Any],
        columns: Columns,
        needs: Needs,
        cache: StatementCache,
    ) -> dict[Any, Any]:
        return await sql.child_lists(
            env,
            cache,
            columns=columns,
            source=source,
            parent=parent,
            parent_ids=keys,
            order_by=order_by,
            first=first(kwargs),
        )

    return fetch


async def _package_counts(
    env: Env,
    keys: list[Hashable],
    kwargs: dict[str, Any],
    columns: Columns,
    needs: Needs,
    cache: StatementCache,
) -> dict[Any, Any]:
    counts = await sql.count_by(env, cache, links.PARTICIPANT_MEMBERSHIPS.child_key, keys)
    return {key: counts.get(key, 0) for key in keys}


# ---- folded into the parent's statement (PostgreSQL) -------------------------------------


def _forward(window: Window) -> bool:
    return not window.backward and window.after is None and window.before is None


def _sort_expressions(ordering: Ordering) -> list[Any]:
    return [column.expression for column in ordering.columns]


def _order_of(ordering: Ordering) -> list[Any]:
    expressions = sql.sort_expressions(ordering)
    _, order = window_clauses(ordering, expressions.get, None, None, backward=False)
    return order


def _nest_page(
    source: FromClause, child: Column[Any], parent: Column[Any], ordering: Ordering, window: Window
) -> Nest | None:
    if not _forward(window):
        return None
    return Nest(
        source,
        child == parent,
        parent.table,
        order=_order_of(ordering),
        limit=window.size + 1,
        ordering=ordering,
        sorts=_sort_expressions(ordering),
        size=window.size,
    )


def _nest_in_one_ordering(link: Link, ordering: Ordering) -> Nester:
    lateral = _lateral(link, ordering)
    sorted_by = ordering if lateral is None else lateral.ordering

    def nest(kwargs: dict[str, Any]) -> Nest | None:
        window = _window(kwargs, ordering)
        return _nest_page(link.source, link.child_key, link.parent_key, sorted_by, window)

    return nest


def _nest_packages(source: FromClause, child: Column[Any], parent: Column[Any]) -> Nester:
    def nest(kwargs: dict[str, Any]) -> Nest | None:
        if kwargs["filter"] is not None:  # its conditions hold the request's clock
            return None
        _, ordering, window = package_window(
            kwargs["order_by"], kwargs["first"], kwargs["after"], kwargs["last"], kwargs["before"]
        )
        return _nest_page(source, child, parent, ordering, window)

    return nest


def _nest_children(
    source: FromClause,
    child: Column[Any],
    parent: Column[Any],
    order_by: Sequence[ColumnElement[Any]],
    first: Callable[[dict[str, Any]], int | None] = lambda kwargs: None,
) -> Nester:
    return lambda kwargs: Nest(
        source, child == parent, parent.table, order=list(order_by), limit=first(kwargs)
    )


def _nest_one(link: Link) -> Nester:
    return lambda kwargs: Nest(
        link.source, link.child_key == link.parent_key, link.parent_key.table
    )


def _joined(link: Link, inline: Link) -> FromClause:
    """`link`'s rows with the columns of an object written inline (`INLINE`)."""
    return link.source.join(inline.source, inline.child_key == inline.parent_key)


def _rows_first(kwargs: dict[str, Any]) -> int | None:
    return page_size(kwargs["first"], default=None)


def _list(
    link: Link,
    source: FromClause | None = None,
    first: Callable[[dict[str, Any]], int | None] = lambda kwargs: None,
) -> Relation:
    """A child list: fetched for every parent at once, or folded on PostgreSQL.
    `source`: `link.source` with the columns of an inline object joined."""
    rows = link.source if source is None else source
    return Relation(
        "list",
        link.parent_key,
        _children(rows, link.child_key, link.order, first),
        _nest_children(rows, link.child_key, link.parent_key, link.order, first),
    )


def _package_page(link: Link) -> Relation:
    """`packages(...)` under a category, grid or participant."""
    return Relation(
        "page",
        link.parent_key,
        _nested_packages(link.source, link.child_key),
        _nest_packages(link.source, link.child_key, link.parent_key),
    )


def _page_in_one_ordering(link: Link, ordering: Ordering) -> Relation:
    """A connection in one ordering (`Package.participants`)."""
    return Relation(
        "page",
        link.parent_key,
        _in_one_ordering(link, ordering),
        _nest_in_one_ordering(link, ordering),
    )


def _one(link: Link) -> Relation:
    return Relation("one", link.parent_key, _to_one(link), _nest_one(link))


BY_LINK: dict[Link, Relation] = {
    links.PACKAGE_CATEGORY: _one(links.PACKAGE_CATEGORY),
    links.PACKAGE_GRIDS: _list(links.PACKAGE_GRIDS),
    links.PACKAGE_PARTICIPANTS: _page_in_one_ordering(links.PACKAGE_PARTICIPANTS, SOURCE_ORDER),
    links.CATEGORY_PACKAGES: _package_page(links.CATEGORY_PACKAGES),
    links.GRID_PACKAGES: _package_page(links.GRID_PACKAGES),
    links.PARTICIPANT_PACKAGES: _package_page(links.PARTICIPANT_PACKAGES),
    links.PARTICIPANT_MEMBERSHIPS: Relation(
        "value", links.PARTICIPANT_MEMBERSHIPS.parent_key, _package_counts
    ),
    links.GRID_FEATURES: _list(links.GRID_FEATURES),
    links.GRID_ROWS: _list(
        links.GRID_ROWS, _joined(links.GRID_ROWS, links.ROW_PACKAGE), _rows_first
    ),
    links.ROW_ELEMENTS: _list(
        links.ROW_ELEMENTS, _joined(links.ROW_ELEMENTS, links.ELEMENT_FEATURE)
    ),
}
"""A relation field's link (its Strawberry metadata, `readmodel.relations.fetched_by`) ->
how the compiler fetches it: the kind of fetch, and its folding on PostgreSQL."""

INLINE: frozenset[Link] = frozenset({links.ROW_PACKAGE, links.ELEMENT_FEATURE})
"""Links whose object is written from columns joined into the parent's row (`_joined`)."""

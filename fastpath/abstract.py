"""The root fields of abstract types: `node(id:)`, `nodes(ids:)` (the `Node` interface)
and `search` (the `SearchResult` union). Each possible type has its own plan (the
document's fragments collected for that type) and its own statement; the results come
back in the reference's order, each written by its type's plan.

Everything the reference refuses (a malformed or foreign global id, too many ids, a
`first` out of range) aborts, so the reference answers it with its own error.
"""

from __future__ import annotations

from collections.abc import Hashable
from functools import partial
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, null, select

from fastpath import sql, statements
from fastpath.plan import Abort, AbstractFetch, Env, Found, Variant
from loaders.filters import text_matches
from readmodel.relations import PACKAGE
from schema.arguments import MAX_PAGE_SIZE, checked_search, page_size
from schema.types.nodes import database_ids


async def _by_global_ids(env: Env, ids: list[Any], variants: dict[str, Variant]) -> Found:
    """Rows by global id, in the order given; a missing row is None, as the resolvers'
    `load_nodes` (not required) answers."""
    keys: list[tuple[str, int]] = []
    for global_id in ids:
        type_name = global_id.type_name
        if type_name not in variants:
            raise Abort(f"not a Node type: {type_name}")
        [key] = database_ids([global_id.node_id], type_name)
        keys.append((type_name, key))
    found: dict[str, dict[Hashable, Any]] = {}
    for type_name in dict.fromkeys(name for name, _ in keys):
        variant = variants[type_name]
        table = variant.table
        wanted = [key for name, key in keys if name == type_name]
        found[type_name] = await sql.lookup(
            env, variant.statements, variant.columns, table, table.c.id, wanted
        )
    rows = [found[name].get(key) for name, key in keys]
    return [None if row is None else (name, row) for (name, _), row in zip(keys, rows, strict=True)]


async def _node(env: Env, kwargs: dict[str, Any], variants: dict[str, Variant]) -> Found:
    return await _by_global_ids(env, [kwargs["id"]], variants)


async def _nodes(env: Env, kwargs: dict[str, Any], variants: dict[str, Variant]) -> Found:
    ids = kwargs["ids"]
    if len(ids) > MAX_PAGE_SIZE:  # `schema.list_caps.MaxItems` refuses it
        raise Abort(f"more than {MAX_PAGE_SIZE} ids")
    return await _by_global_ids(env, ids, variants)


def _rank(slug: Any, title: Any, needle: str) -> Any:
    """0 exact slug, 1 title prefix, 2 anything else that matched (`schema.search`)."""
    return case(
        (func.lower(slug) == needle, 0),
        (func.lower(title).startswith(needle, autoescape=True), 1),
        else_=2,
    )


def _matches(env: Env, variant: Variant, table: Any, needle: str, first: int) -> Select[Any]:
    """The variant's columns, then its rank and score (read for the merge, not written)."""
    c = table.c
    rank = _rank(c.slug, c.title, needle)
    described = c.repo_description if table is PACKAGE else c.description
    score = c.score if table is PACKAGE else null()
    # Labelled: the variant's columns may hold score already.
    query = select(*variant.columns, rank.label("search_rank"), score.label("search_score"))
    query = query.select_from(table).where(
        text_matches(env.dialect, needle, c.title, c.slug, described)
    )
    order: list[ColumnElement[Any]] = [rank]
    if table is PACKAGE:
        order += [c.score.is_(None), c.score.desc(), c.repo_watchers.desc()]
    return query.order_by(*order, c.id).limit(first)


async def _search(env: Env, kwargs: dict[str, Any], variants: dict[str, Variant]) -> Found:
    """`schema.search.search`: each type's best `first` matches, merged by rank, then
    packages before grids, then by score, and cut to `first`."""
    first = page_size(kwargs["first"], default=10) or 10
    # refused as the resolver refuses it (BAD_USER_INPUT, answered by the reference)
    needle = checked_search(kwargs["query"], argument="query").strip().lower()
    if not needle:
        return []
    ranked: list[tuple[tuple[int, int, int], str, Any]] = []
    for order, type_name in enumerate(("Package", "Grid")):
        variant = variants[type_name]
        # Not kept: the statement holds the text (as a filter holds its values).
        prepared = variant.statements.get(
            None, partial(_matches, env, variant, variant.table, needle, first)
        )
        for row in await statements.fetch(env, prepared, {}):
            score = -(row[-1] or 0) if order == 0 else 0
            ranked.append(((row[-2], order, score), type_name, row))
    ranked.sort(key=lambda item: item[0])
    return [(type_name, row) for _, type_name, row in ranked[:first]]


ABSTRACT: dict[tuple[str, str], AbstractFetch] = {
    ("Query", "node"): _node,
    ("Query", "nodes"): _nodes,
    ("Query", "search"): _search,
}
"""(GraphQL type, field) -> how an abstract field's rows are found."""

"""`limit`/`offset` paging: reading the parameters, and the v4 and v3 envelopes.

v4 answers like DRF's LimitOffsetPagination (`count`, `next`, `previous`, `results`,
absolute links that keep the other query parameters); v3 like apiv3 (`meta` with
`limit`, `next`, `offset`, `previous`, `total_count`, relative links). Both refuse a
limit below 1, a negative offset or a non-number with 400, and cap the limit at the
configured maximum, so no request can ask for an unbounded page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from rest.errors import BadRequest
from rest.urls import Urls

DEFAULT_LIMIT = 20
# Both SQLite and PostgreSQL take a signed 64-bit OFFSET.
MAX_OFFSET = 2**63 - 1
_INTEGER = re.compile(r"-?[0-9]+")


@dataclass(frozen=True)
class PageRequest:
    limit: int
    offset: int


def _integer(
    params: QueryParams, name: str, *, default: int, minimum: int, maximum: int | None = None
) -> int:
    raw = params.get(name, "").strip()
    if not raw:
        return default
    if not _INTEGER.fullmatch(raw):
        raise BadRequest(f"'{name}' must be a whole number, got {raw!r}.")
    # Python refuses to parse thousands of digits; anything this long is out of range anyway.
    value = int(raw) if len(raw) <= 20 else (-1 if raw.startswith("-") else MAX_OFFSET + 1)
    if value < minimum:
        raise BadRequest(f"'{name}' must be {minimum} or more, got {raw}.")
    if maximum is not None and value > maximum:
        raise BadRequest(f"'{name}' must be at most {maximum}, got {raw}.")
    return value


def page_request(params: QueryParams, *, max_limit: int) -> PageRequest:
    """The page asked for; a limit above `max_limit` is cut to it, as DRF's `max_limit` does."""
    limit = _integer(params, "limit", default=DEFAULT_LIMIT, minimum=1)
    offset = _integer(params, "offset", default=0, minimum=0, maximum=MAX_OFFSET)
    return PageRequest(limit=min(limit, max_limit), offset=offset)


def _query_with(params: QueryParams, **changes: int | None) -> list[tuple[str, str]]:
    """The request's query with some parameters replaced (or removed, when None)."""
    pairs = [(key, value) for key, value in params.multi_items() if key not in changes]
    pairs += [(key, str(value)) for key, value in changes.items() if value is not None]
    return pairs


def v4_page(
    *,
    urls: Urls,
    path: str,
    params: QueryParams,
    page: PageRequest,
    count: int,
    results: Sequence[Any],
) -> dict[str, Any]:
    """DRF's `{count, next, previous, results}`; links are absolute on the public base URL."""
    limit, offset = page.limit, page.offset
    next_url = None
    if offset + limit < count:
        next_url = urls.absolute(path, _query_with(params, limit=limit, offset=offset + limit))
    previous_url = None
    if offset > 0:
        earlier = offset - limit if offset - limit > 0 else None
        previous_url = urls.absolute(path, _query_with(params, limit=limit, offset=earlier))
    return {"count": count, "next": next_url, "previous": previous_url, "results": list(results)}


def v3_meta(
    *, path: str, page: PageRequest, count: int, keep: Sequence[tuple[str, str]] = ()
) -> dict[str, Any]:
    """apiv3's `meta`; `keep` adds filters (e.g. `category`) that its links used to drop."""
    limit, offset = page.limit, page.offset

    def link(to_offset: int) -> str:
        return f"{path}?{urlencode([('limit', limit), ('offset', to_offset), *keep])}"

    return {
        "limit": limit,
        "next": link(offset + limit) if count > offset + limit else None,
        "offset": offset,
        "previous": link(max(offset - limit, 0)) if offset > 0 else None,
        "total_count": count,
    }

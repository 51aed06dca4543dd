"""Caching headers for GET queries, so a browser or a CDN can serve repeated reads.

A successful anonymous read is `public` for CACHE_MAX_AGE_SECONDS; one with a token is
`private` (a shared cache must not hand it to someone else); an answer with errors is not
stored. Each cacheable answer carries an ETag (a hash of its bytes); a request that sends
it back in `If-None-Match` gets 304 and no body.
"""

from __future__ import annotations

import hashlib

from starlette.requests import Request
from starlette.responses import Response


def _etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def _matches(if_none_match: str, etag: str) -> bool:
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag in tags


def with_cache_headers(request: Request, response: Response, max_age: int) -> Response:
    headers = response.headers
    headers["Vary"] = "Accept, Authorization"
    body = bytes(response.body)
    if response.status_code != 200 or b'"errors":' in body or max_age <= 0:
        headers["Cache-Control"] = "no-store"
        return response
    scope = "private" if "authorization" in request.headers else "public"
    headers["Cache-Control"] = f"{scope}, max-age={max_age}"
    etag = headers["ETag"] = _etag(body)
    if _matches(request.headers.get("if-none-match", ""), etag):
        kept = {
            name: value
            for name, value in headers.items()
            if name in ("cache-control", "etag", "vary")
        }
        return Response(status_code=304, headers=kept)
    return response

"""`core.headers.header` answers as Starlette's `Headers.get` does, for the hot path."""

from __future__ import annotations

import pytest
from starlette.datastructures import Headers

from core.headers import header

RAW = [
    (b"host", b"example.org"),
    (b"accept", b"application/graphql-response+json"),
    (b"x-note", b"caf\xe9"),  # Latin-1, as HTTP/1.1 allows
    (b"accept", b"text/html"),  # repeated: the first counts
]


@pytest.mark.parametrize("name", ["host", "accept", "x-note", "authorization", "content-type"])
def test_header_matches_starlette(name: str) -> None:
    scope = {"type": "http", "headers": RAW}
    assert header(scope, name.encode()) == Headers(scope=scope).get(name)


def test_header_absent_is_none_and_present_is_text() -> None:
    scope = {"type": "http", "headers": RAW}
    assert header(scope, b"authorization") is None
    assert header(scope, b"x-note") == "café"
    assert header(scope, b"accept") == "application/graphql-response+json"

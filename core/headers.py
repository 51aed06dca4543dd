"""A request header read straight from the ASGI scope.

Starlette's `Headers.get` finds an absent header by raising and catching `KeyError`
(`Mapping.get` over `__getitem__`), and most of the headers a request is asked about
are absent (`Authorization` on an anonymous read): the five looked up per request took
9 % of a `{ __typename }` request's CPU (py-spy, in-process)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def header(scope: Mapping[str, Any], name: bytes) -> str | None:
    """The first value of header `name` (lower-case: ASGI servers lower-case the
    names), as Starlette decodes it (Latin-1); None when the request has none."""
    for key, value in scope["headers"]:
        if key == name:
            text: str = value.decode("latin-1")
            return text
    return None

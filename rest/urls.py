"""Every address the REST layer writes: v4 absolute URLs, v3 paths and site pages.

v4 (DRF) links are absolute, on `PUBLIC_BASE_URL` or the answering server; v3 and the site's
`absolute_url` values are paths, as Django's `reverse()` gave them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote, urlencode


def _segment(value: str | int) -> str:
    return quote(str(value), safe="")


@dataclass(frozen=True)
class Urls:
    """Absolute URLs under one public base, e.g. "https://djangopackages.org"."""

    base: str

    def absolute(self, path: str, query: Iterable[tuple[str, str]] = ()) -> str:
        """`path` on the public base; `query` pairs are sorted by key, as DRF writes them."""
        pairs = sorted(query, key=lambda pair: pair[0])
        return f"{self.base}{path}" + (f"?{urlencode(pairs)}" if pairs else "")

    def v4(self, *parts: str | int) -> str:
        return self.absolute("/api/v4/" + "".join(f"{_segment(part)}/" for part in parts))

    def package(self, package_id: int) -> str:
        return self.v4("packages", package_id)

    def grid(self, grid_id: int) -> str:
        return self.v4("grids", grid_id)

    def category(self, category_id: int) -> str:
        return self.v4("categories", category_id)


def v3_path(*parts: str) -> str:
    """`/api/v3/<parts>/`, as apiv3's `reverse()` wrote resource URIs."""
    return "/api/v3/" + "".join(f"{_segment(part)}/" for part in parts)


def package_page(slug: str) -> str:
    """The package's page on the site (`absolute_url`)."""
    return f"/packages/p/{_segment(slug)}/"


def grid_page(slug: str) -> str:
    return f"/grids/g/{_segment(slug)}/"


def category_page(slug: str) -> str:
    return f"/categories/{_segment(slug)}/"

"""What every source yields: one JSON object, what kind it is, and where it came from.

Files and the live API both end up as a list of `Item`s, so the writer never needs to
know whether a record arrived from disk or over HTTP; the `position` names the place
to look when a record is refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """The three v4 resources; the value is the resource's URL segment."""

    CATEGORY = "categories"
    GRID = "grids"
    PACKAGE = "packages"

    @property
    def singular(self) -> str:
        return {"categories": "category", "grids": "grid", "packages": "package"}[self.value]


# Writing order: a package points at its category and grids, a grid lists packages.
WRITE_ORDER = (Kind.CATEGORY, Kind.GRID, Kind.PACKAGE)

_KIND_IN_URL = re.compile(r"/api/v\d+/(packages|grids|categories)(?:/|\?|$)")

# Keys only one resource has; checked in this order (a package also has `title`, ...).
_MARKERS: tuple[tuple[Kind, frozenset[str]], ...] = (
    (Kind.PACKAGE, frozenset({"repo_url", "participants", "commits_over_52", "repo_watchers"})),
    (Kind.GRID, frozenset({"packages", "is_locked", "header"})),
    (Kind.CATEGORY, frozenset({"title_plural", "show_pypi"})),
)


class UnknownKind(ValueError):
    """An object that is neither a package, a grid nor a category."""

    def __init__(self, keys: list[str]) -> None:
        shown = ", ".join(keys[:8]) + (", ..." if len(keys) > 8 else "")
        super().__init__(
            f"(record): cannot tell whether it is a package, grid or category (keys: {shown})"
        )


@dataclass(frozen=True)
class Item:
    """One source object; `kind` is None when neither its keys nor its source tell."""

    kind: Kind | None
    data: Any
    position: str

    @property
    def source_id(self) -> object:
        """The object's `id` as the source wrote it, for messages only."""
        return self.data.get("id") if isinstance(self.data, Mapping) else None


def kind_in_url(url: object) -> Kind | None:
    """`.../api/v4/grids/?limit=20&offset=20` -> Kind.GRID."""
    if not isinstance(url, str):
        return None
    match = _KIND_IN_URL.search(url)
    return None if match is None else Kind(match[1])


def detect_kind(data: Any, hint: Kind | None = None) -> Kind | None:
    """The kind an object's own keys reveal, else the `hint` from its URL or list page."""
    if isinstance(data, Mapping):
        keys = set(data)
        for kind, markers in _MARKERS:
            if keys & markers:
                return kind
    return hint


def is_list_page(document: Any) -> bool:
    return isinstance(document, Mapping) and isinstance(document.get("results"), list)


def items_of(document: Any, *, source: str, hint: Kind | None = None) -> list[Item]:
    """The objects in a document: one object, a JSON list, or a `{count, results}` page."""
    if is_list_page(document):
        hint = hint or kind_in_url(document.get("next")) or kind_in_url(document.get("previous"))
        return [
            Item(detect_kind(data, hint), data, f"{source} results[{index}]")
            for index, data in enumerate(document["results"])
        ]
    if isinstance(document, list):
        return [
            Item(detect_kind(data, hint), data, f"{source}[{index}]")
            for index, data in enumerate(document)
        ]
    return [Item(detect_kind(document, hint), document, source)]

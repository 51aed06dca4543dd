"""The fields Django Packages' search index derives from a package or grid.

Reproduces searchv2's `remove_prefix`/`clean_title` and the weight rules (searchv2
rules.py for packages, `calc_grid_weight` for grids) from what our tables hold. Usage
counts and release dates are not imported, so their rules score 0.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

import models
from rest.urls import grid_page, package_page

SEARCH_PREFIX = "django"
_PREFIX_JOINERS = ("_", ",", ".", "-", " ", "/", "|")
_RULE_MAX = 20
# Deprecated, description, downloads, forks, last updated, recent release, usage, watchers.
_PACKAGE_RULES = 8
_MAX_WEIGHT = 100

Stamp = tuple[datetime | None, int | None]


@dataclass(frozen=True)
class SearchItem:
    """One search result before it is laid out as JSON; timestamps keep their offsets."""

    item_type: str
    id: int
    slug: str
    title: str
    description: str
    category: str
    absolute_url: str
    repo_watchers: int
    repo_forks: int
    pypi_downloads: int
    score: int
    usage: int
    participants: str
    weight: int
    created: Stamp
    modified: Stamp
    last_committed: Stamp


def remove_prefix(value: str) -> str:
    """`django-rest-framework` -> `rest-framework`: lower case, "django" plus a joiner gone."""
    value = value.lower()
    for joiner in _PREFIX_JOINERS:
        value = value.replace(f"{SEARCH_PREFIX}{joiner}", "")
    return value


def _slugify(value: str) -> str:
    """Django's `slugify`, without Django."""
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value.lower())
    return re.sub(r"[-\s]+", "-", value).strip("-_")


def clean_title(value: str) -> str:
    """`rest-framework-social-oauth2` -> `restframeworksocialoauth2`."""
    value = _slugify(value)
    for joiner in _PREFIX_JOINERS:
        value = value.replace(joiner, "")
    return value


def _recency(last_updated: datetime | None, now: datetime) -> int:
    if last_updated is None:
        return 0
    age = now - last_updated
    if age < timedelta(days=90):
        return _RULE_MAX
    if age < timedelta(days=182):
        return _RULE_MAX // 2
    if age < timedelta(days=365):
        return _RULE_MAX // 4
    return 0


def package_weight(row: models.Package, *, now: datetime) -> int:
    """searchv2's package weight out of 100; `now` is when the index would have been built."""
    scores = [
        _RULE_MAX if row.date_deprecated is None else 0,
        _RULE_MAX if row.repo_description.strip() else 0,
        min((row.pypi_downloads or 0) // 1000, _RULE_MAX),
        min(row.repo_forks, _RULE_MAX),
        _recency(row.last_updated, now),
        0,  # recent release: release dates are not imported
        0,  # usage: "I use this" counts are not imported
        min(row.repo_watchers, _RULE_MAX),
    ]
    return int(sum(scores) / (_RULE_MAX * _PACKAGE_RULES) * _MAX_WEIGHT)


def grid_weight(row: models.Grid, *, package_count: int, max_weight: int = _MAX_WEIGHT) -> int:
    """`calc_grid_weight`: a sixth off for each of unlocked, no header, no packages."""
    increment = max_weight / 6
    weight = max_weight - increment
    for missing in (not row.is_locked, not row.header, package_count == 0):
        if missing:
            weight -= increment
    return int(weight)


def package_item(
    row: models.Package, *, category: models.Category | None, logins: list[str], now: datetime
) -> SearchItem:
    return SearchItem(
        item_type="package",
        id=row.id,
        slug=row.slug,
        title=row.title,
        description=row.repo_description,
        category=(category.title if category else None) or "",
        absolute_url=package_page(row.slug),
        repo_watchers=row.repo_watchers,
        repo_forks=row.repo_forks,
        pypi_downloads=row.pypi_downloads or 0,
        score=row.score or 0,
        usage=0,
        participants=",".join(logins),
        weight=package_weight(row, now=now),
        created=(row.created, row.created_offset),
        modified=(row.modified, row.modified_offset),
        last_committed=(row.last_updated, row.last_updated_offset),
    )


def grid_item(row: models.Grid, *, package_count: int) -> SearchItem:
    slug = row.slug or ""
    return SearchItem(
        item_type="grid",
        id=row.id,
        slug=slug,
        title=row.title or "",
        description=row.description or "",
        category="",
        absolute_url=grid_page(slug),
        repo_watchers=0,
        repo_forks=0,
        pypi_downloads=0,
        score=0,
        usage=0,
        participants="",
        weight=grid_weight(row, package_count=package_count),
        created=(row.created, row.created_offset),
        modified=(row.modified, row.modified_offset),
        last_committed=(None, None),
    )

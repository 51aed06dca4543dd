"""The v4 (DRF) shapes: keys in the order Django Packages' serializers write them.

Package, grid and category follow apiv4/serializers.py; the search item follows
SearchV2Serializer (declared `description` and `title` first, then the SearchV2 model
fields without `id`), the search shape that lists every key v4 clients have seen.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import models
from rest import timestamps
from rest.search_index import SearchItem, clean_title, remove_prefix
from rest.urls import Urls


def package(
    row: models.Package, *, grids: Sequence[models.Grid], logins: Sequence[str], urls: Urls
) -> dict[str, Any]:
    return {
        "category": None if row.category_id is None else urls.category(row.category_id),
        "grids": [urls.grid(grid.id) for grid in grids],
        "id": row.id,
        "title": row.title,
        "slug": row.slug,
        "last_updated": timestamps.drf(row.last_updated, row.last_updated_offset),
        "last_fetched": timestamps.drf(row.last_fetched, row.last_fetched_offset),
        "repo_url": row.repo_url,
        "pypi_version": row.pypi_version,
        "created": timestamps.drf(row.created, row.created_offset),
        "modified": timestamps.drf(row.modified, row.modified_offset),
        "repo_forks": row.repo_forks,
        "repo_description": row.repo_description,
        "pypi_url": row.pypi_url,
        "documentation_url": row.documentation_url,
        "repo_watchers": row.repo_watchers,
        "commits_over_52": list(row.commits_over_52 or []),
        "participants": list(logins),
    }


def grid(row: models.Grid, *, package_ids: Sequence[int], urls: Urls) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "slug": row.slug,
        "description": row.description,
        "is_locked": row.is_locked,
        "packages": [urls.package(package_id) for package_id in package_ids],
        "header": row.header,
        "created": timestamps.drf(row.created, row.created_offset),
        "modified": timestamps.drf(row.modified, row.modified_offset),
    }


def category(row: models.Category) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "slug": row.slug,
        "description": row.description,
        "title_plural": row.title_plural,
        "show_pypi": row.show_pypi,
        "created": timestamps.drf(row.created, row.created_offset),
        "modified": timestamps.drf(row.modified, row.modified_offset),
    }


def search_item(item: SearchItem) -> dict[str, Any]:
    return {
        "description": item.description,
        "title": item.title,
        "created": timestamps.drf(*item.created),
        "modified": timestamps.drf(*item.modified),
        "weight": item.weight,
        "item_type": item.item_type,
        "title_no_prefix": remove_prefix(item.title),
        "slug": item.slug,
        "slug_no_prefix": remove_prefix(item.slug),
        "clean_title": clean_title(remove_prefix(item.slug)),
        "category": item.category,
        "absolute_url": item.absolute_url,
        "repo_watchers": item.repo_watchers,
        "repo_forks": item.repo_forks,
        "pypi_downloads": item.pypi_downloads,
        "score": item.score,
        "usage": item.usage,
        "participants": item.participants,
        "last_committed": timestamps.drf(*item.last_committed),
        "last_released": None,  # release dates are not imported
    }

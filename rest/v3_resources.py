"""The v3 shapes: apiv3/resources.py's dicts, keys in the order it built them.

Every resource starts with `absolute_url, created, modified, slug, title` and adds
its own keys. Django Packages' v3 never wrote null for a slug, a title, a description
or a package's `category`, so neither do we: a category or grid known only by id (not
fetched yet) is addressed by its id where the slug would be (`/api/v3/grids/161/`),
and its unknown title and description are "". Users, "I use this" counts and editors
are not imported: `created_by` and `last_modified_by` are null and `usage_count` is 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import models
from rest import timestamps
from rest.urls import category_page, grid_page, package_page, v3_path


def v3_key(row: models.Grid | models.Category) -> str:
    """The row's v3 address: its slug, or its id while only the id is known."""
    return row.slug or str(row.id)


def _base(
    absolute_url: str, slug: str, row: models.Package | models.Grid | models.Category
) -> dict[str, Any]:
    return {
        "absolute_url": absolute_url,
        "created": timestamps.django_json(row.created),
        "modified": timestamps.django_json(row.modified),
        "slug": slug,
        "title": row.title or "",
    }


def category(row: models.Category) -> dict[str, Any]:
    slug = v3_key(row)
    return _base(category_page(slug), slug, row) | {
        "description": row.description or "",
        "resource_uri": v3_path("categories", slug),
        "show_pypi": row.show_pypi,
        "title_plural": row.title_plural,
    }


def grid(row: models.Grid, *, package_slugs: Sequence[str]) -> dict[str, Any]:
    slug = v3_key(row)
    return _base(grid_page(slug), slug, row) | {
        "description": row.description or "",
        "is_locked": row.is_locked,
        "resource_uri": v3_path("grids", slug),
        "header": row.header,
        "packages": [v3_path("packages", package_slug) for package_slug in package_slugs],
    }


def package(
    row: models.Package,
    *,
    category: models.Category | None,
    grids: Sequence[models.Grid],
    logins: Sequence[str],
) -> dict[str, Any]:
    commits = list(row.commits_over_52 or [])
    return _base(package_page(row.slug), row.slug, row) | {
        # Null only for a package whose source named no category (Django Packages has none).
        "category": None if category is None else v3_path("categories", v3_key(category)),
        "commit_list": str(commits),
        "commits_over_52": ",".join(str(count) for count in commits),
        "created_by": None,
        "documentation_url": row.documentation_url,
        "grids": [v3_path("grids", v3_key(grid)) for grid in grids],
        "last_fetched": timestamps.django_json(row.last_fetched),
        "last_modified_by": None,
        "participants": ",".join(logins),
        "pypi_url": row.pypi_url,
        "pypi_version": row.pypi_version,
        "repo_description": row.repo_description,
        "repo_forks": row.repo_forks,
        "repo_url": row.repo_url,
        "repo_watchers": row.repo_watchers,
        "resource_uri": v3_path("packages", row.slug),
        "usage_count": 0,
    }

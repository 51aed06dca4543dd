"""Words for names, grid topics, features and comparison cells, after Django Packages' own."""

from __future__ import annotations

from enum import StrEnum

NAME_WORDS: tuple[str, ...] = (
    "admin", "allauth", "anymail", "api", "audit", "auth", "axes", "blog", "braces", "cache",
    "celery", "channels", "ckeditor", "cms", "comments", "compressor", "configurations",
    "cors", "countries", "crispy", "csp", "debug", "environ", "export", "extensions",
    "filters", "forms", "geo", "graphql", "guardian", "health", "history", "htmx", "i18n",
    "import", "invoice", "jwt", "log", "mailer", "maps", "markdown", "money", "mptt",
    "notifications", "oauth", "organizations", "otp", "payments", "permissions", "phone",
    "pipeline", "polymorphic", "push", "ratelimit", "redis", "rest", "reversion", "roles",
    "rules", "search", "select2", "seo", "shop", "silk", "simple", "sitemap", "social",
    "storages", "stripe", "tables", "tags", "tasks", "teams", "tenants", "toolbar",
    "translation", "upload", "utils", "webpack", "widgets",
)  # fmt: skip

NAME_PREFIXES: tuple[tuple[str, int], ...] = (("django-", 85), ("dj-", 5), ("drf-", 6), ("", 4))

LOGIN_WORDS: tuple[str, ...] = (
    "alex", "ana", "ben", "carla", "dan", "dev", "eli", "fox", "gus", "hana", "ivan", "jo",
    "kai", "lena", "max", "mia", "nik", "ola", "pat", "quinn", "raf", "sam", "tess", "uma",
    "vic", "wes", "xan", "yui", "zoe", "code", "hack", "py", "web", "ops", "data", "labs",
)  # fmt: skip

CATEGORIES: tuple[tuple[str, str, str, int], ...] = (
    # title, plural, slug word, weight of packages in it
    ("App", "Apps", "apps", 80),
    ("Framework", "Frameworks", "frameworks", 3),
    ("Other", "Other", "other", 12),
    ("Project", "Projects", "projects", 5),
)

GRID_TOPICS: tuple[str, ...] = (
    "Authentication", "API Frameworks", "Admin Interface", "Background Tasks", "Caching",
    "CMS", "Comments", "Configuration", "Debugging", "Email", "Forms", "File Storage",
    "Geolocation", "GraphQL", "Imports and Exports", "Internationalization", "Logging",
    "Model Auditing", "Multi-tenancy", "Notifications", "Payment Processing", "Permissions",
    "Rate Limiting", "Rich Text Editors", "Search", "SEO", "Static Assets", "Tables",
    "Tagging", "Testing", "Two-factor Authentication", "Versioning", "WebSockets",
)  # fmt: skip


class CellKind(StrEnum):
    """What a feature's cells look like: a verdict, a version list, a licence or free text."""

    VERDICT = "verdict"
    VERSIONS = "versions"
    LICENSE = "license"
    TEXT = "text"


FEATURES: tuple[tuple[str, CellKind], ...] = (
    ("Python 3 support", CellKind.VERDICT),
    ("Django versions", CellKind.VERSIONS),
    ("License", CellKind.LICENSE),
    ("Documentation", CellKind.VERDICT),
    ("Test coverage", CellKind.VERDICT),
    ("Admin integration", CellKind.VERDICT),
    ("REST API", CellKind.VERDICT),
    ("Async support", CellKind.VERDICT),
    ("Class-based views", CellKind.VERDICT),
    ("Template tags", CellKind.VERDICT),
    ("Internationalization", CellKind.VERDICT),
    ("Actively maintained", CellKind.VERDICT),
    ("Type hints", CellKind.VERDICT),
    ("PostgreSQL only", CellKind.VERDICT),
    ("Works with DRF", CellKind.VERDICT),
    ("Requires Celery", CellKind.VERDICT),
    ("Storage backends", CellKind.TEXT),
    ("Dependencies", CellKind.TEXT),
    ("Notes", CellKind.TEXT),
    ("Installation", CellKind.TEXT),
)

CELL_TEXTS: dict[CellKind, tuple[tuple[str, int], ...]] = {
    CellKind.VERDICT: (
        ("yes", 26), ("no", 12), ("check", 10), ("+", 8), ("++", 4), ("-", 6), ("bad", 3),
        ("good", 3), ("partial", 3), ("", 3), ("+1 works with DRF", 2), ("Yes, via plugin", 2),
        ("no (planned)", 1), ("n/a", 1),
    ),
    CellKind.VERSIONS: (
        ("4.2, 5.0, 5.1", 8), ("5.x", 5), ("3.2+", 5), ("4.2 LTS", 4), ("1.11 - 2.2", 2),
        ("all supported", 2), ("?", 1),
    ),
    CellKind.LICENSE: (
        ("MIT", 12), ("BSD", 10), ("BSD-3-Clause", 4), ("Apache 2.0", 4), ("GPLv3", 2),
        ("LGPL", 1), ("unknown", 1),
    ),
    CellKind.TEXT: (
        ("See the docs", 4), ("Redis or Memcached", 2), ("S3, GCS, Azure", 2),
        ("pip install, add to INSTALLED_APPS", 4), ("Needs a migration", 2),
        ("Experimental", 2), ("None", 3), ("Only with PostgreSQL", 1), ("", 2),
        ("Uses Celery for retries", 1),
    ),
}  # fmt: skip

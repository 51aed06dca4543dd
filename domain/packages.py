"""Facts derived from a package's stored fields: activity, hosting, PyPI name."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from urllib.parse import urlparse

# Django Packages flags a package as stale when its last commit is older than a year.
ACTIVE_WINDOW = timedelta(days=365)

_HOSTS = {
    "github.com": "github",
    "gitlab.com": "gitlab",
    "bitbucket.org": "bitbucket",
    "codeberg.org": "codeberg",
    "sr.ht": "sourcehut",
    "git.sr.ht": "sourcehut",
}
_PYPI_PATH = re.compile(r"^/(?:pypi|project|simple)/(?P<name>[^/]+)")


def is_archived(date_repo_archived: datetime | None) -> bool:
    return date_repo_archived is not None


def is_deprecated(date_deprecated: datetime | None) -> bool:
    return date_deprecated is not None


def is_active(
    *,
    last_updated: datetime | None,
    date_repo_archived: datetime | None,
    date_deprecated: datetime | None,
    now: datetime,
) -> bool:
    """Neither archived nor deprecated, with a commit in the last year."""
    if is_archived(date_repo_archived) or is_deprecated(date_deprecated):
        return False
    return last_updated is not None and now - last_updated <= ACTIVE_WINDOW


def repo_host(repo_url: str, stored: str | None = None) -> str | None:
    """`github`, `gitlab`, ... from the stored value or the repository URL."""
    if stored:
        return stored
    host = (urlparse(repo_url).hostname or "").lower().removeprefix("www.")
    return _HOSTS.get(host) or (host or None)


def pypi_name(pypi_url: str | None) -> str | None:
    """`http://pypi.python.org/pypi/django-shop` or `https://pypi.org/project/x/` -> the name."""
    if not pypi_url:
        return None
    parsed = urlparse(pypi_url.strip())
    if not (parsed.hostname or "").endswith(("pypi.python.org", "pypi.org")):
        return None
    match = _PYPI_PATH.match(parsed.path)
    return match["name"] if match else None


def commits_last_year(commits_over_52: Sequence[int]) -> int:
    return sum(commits_over_52)


def github_profile_url(login: str) -> str:
    return f"https://github.com/{login}"


def github_avatar_url(login: str) -> str:
    return f"https://github.com/{login}.png"

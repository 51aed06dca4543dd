from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain import packages

NOW = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("http://pypi.python.org/pypi/django-shop", "django-shop"),
        ("https://pypi.python.org/pypi/django-shop/", "django-shop"),
        ("https://pypi.org/project/django-organizations/", "django-organizations"),
        ("https://pypi.org/project/Django/4.2/", "Django"),
        ("", None),
        (None, None),
        ("https://example.com/pypi/x", None),
    ],
)
def test_pypi_name(url: str | None, name: str | None) -> None:
    assert packages.pypi_name(url) == name


@pytest.mark.parametrize(
    ("url", "stored", "host"),
    [
        ("https://github.com/awesto/django-shop", None, "github"),
        ("https://gitlab.com/a/b", None, "gitlab"),
        ("https://bitbucket.org/a/b", None, "bitbucket"),
        ("https://git.example.org/a/b", None, "git.example.org"),
        ("", None, None),
        ("https://github.com/a/b", "gitlab", "gitlab"),
    ],
)
def test_repo_host(url: str, stored: str | None, host: str | None) -> None:
    assert packages.repo_host(url, stored) == host


def test_activity() -> None:
    recent = NOW - timedelta(days=30)
    old = NOW - timedelta(days=400)
    assert packages.is_active(
        last_updated=recent, date_repo_archived=None, date_deprecated=None, now=NOW
    )
    assert not packages.is_active(
        last_updated=old, date_repo_archived=None, date_deprecated=None, now=NOW
    )
    assert not packages.is_active(
        last_updated=recent, date_repo_archived=recent, date_deprecated=None, now=NOW
    )
    assert not packages.is_active(
        last_updated=recent, date_repo_archived=None, date_deprecated=recent, now=NOW
    )
    assert not packages.is_active(
        last_updated=None, date_repo_archived=None, date_deprecated=None, now=NOW
    )


def test_commits_and_github_urls() -> None:
    assert packages.commits_last_year([1, 0, 2] + [0] * 49) == 3
    assert packages.commits_last_year([]) == 0
    assert packages.github_profile_url("bennylope") == "https://github.com/bennylope"
    assert packages.github_avatar_url("bennylope") == "https://github.com/bennylope.png"

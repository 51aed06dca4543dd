"""Parse Django Packages API v4 JSON objects into records, or say exactly what is wrong."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from writes.records import CategoryRecord, GridRecord, PackageRecord

T = TypeVar("T")

_RESOURCE_URL = re.compile(r"/api/v\d+/(?P<kind>packages|grids|categories)/(?P<id>\d+)/?(?:\?.*)?$")


class MalformedRecord(ValueError):
    """A source object that cannot be imported; `field` names the key at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def id_from_url(url: Any, *, kind: str, field: str) -> int:
    """`https://djangopackages.org/api/v4/grids/41/?format=api` -> 41."""
    if not isinstance(url, str):
        raise MalformedRecord(field, f"expected a {kind} URL, got {_short(url)}")
    match = _RESOURCE_URL.search(url)
    if match is None or match["kind"] != kind:
        raise MalformedRecord(field, f"expected a {kind} URL, got {_short(url)}")
    number = int(match["id"])
    if number not in INT_RANGE:
        raise MalformedRecord(field, f"the id in {_short(url)} is out of range")
    return number


def _get(data: Mapping[str, Any], key: str, check: Callable[[Any], T], *, required: bool) -> T:
    if key not in data:
        if required:
            raise MalformedRecord(key, "is missing")
        return None  # type: ignore[return-value]
    try:
        return check(data[key])
    except MalformedRecord:
        raise
    except (TypeError, ValueError) as error:
        raise MalformedRecord(key, str(error)) from None


INT_RANGE = range(-(2**31), 2**31)
"""The columns are 32-bit integers (PostgreSQL `integer`): a larger value is refused here,
with this record only, not by the database in the middle of a batch."""


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an integer, got {_short(value)}")
    if value not in INT_RANGE:
        raise ValueError(f"{_short(value)} is out of range (at most {INT_RANGE.stop - 1:,})")
    return value


def _short(value: Any) -> str:
    """A value as a message shows it: a huge number or text is cut, not repeated whole."""
    try:
        shown = repr(value)
    except ValueError:  # an int past Python's 4,300-digit str() limit
        return "a number of thousands of digits"
    return shown if len(shown) <= 40 else shown[:37] + "..."


def _optional_int(value: Any) -> int | None:
    return None if value is None else _int(value)


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {value!r}")
    return value


def _text(value: Any) -> str:
    """Optional text in the source, stored as "" when null."""
    return "" if value is None else _str(value)


def _optional_str(value: Any) -> str | None:
    return None if value is None else _str(value)


def _non_empty(value: Any) -> str:
    text = _str(value).strip()
    if not text:
        raise ValueError("must not be empty")
    return text


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {value!r}")
    return value


def _optional_bool(value: Any) -> bool | None:
    return None if value is None else _bool(value)


def _timestamp(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    parsed = datetime.fromisoformat(_str(value))
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp {value!r} has no UTC offset")
    return parsed


def _weekly_commits(value: Any) -> tuple[int, ...]:
    if value is None:
        return ()
    if isinstance(value, str):  # Django Packages stores the list as "0,1,0,..."
        value = [int(part) for part in value.split(",") if part.strip()]
    if not isinstance(value, list):
        raise TypeError(f"expected a list of 52 integers, got {value!r}")
    counts = tuple(_int(count) for count in value)
    if counts and len(counts) != 52:
        raise ValueError(f"expected 52 weekly counts or none, got {len(counts)}")
    if any(count < 0 for count in counts):
        raise ValueError("weekly commit counts cannot be negative")
    return counts


def _logins(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):  # v3 and the Django model keep a comma-separated string
        value = list(value.split(","))
    if not isinstance(value, list):
        raise TypeError(f"expected a list of logins, got {value!r}")
    logins: list[str] = []
    for login in value:
        login = _str(login).strip()
        if login and login not in logins:
            logins.append(login)
    return tuple(logins)


def _urls(kind: str, field: str) -> Callable[[Any], tuple[int, ...]]:
    def parse(value: Any) -> tuple[int, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise TypeError(f"expected a list of {kind} URLs, got {value!r}")
        return tuple(dict.fromkeys(id_from_url(url, kind=kind, field=field) for url in value))

    return parse


def _require_object(data: Any) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise MalformedRecord("(record)", f"expected a JSON object, got {type(data).__name__}")
    return data


def parse_package(data: Any) -> PackageRecord:
    data = _require_object(data)
    category = data.get("category")
    return PackageRecord(
        id=_get(data, "id", _int, required=True),
        title=_get(data, "title", _non_empty, required=True),
        slug=_get(data, "slug", _non_empty, required=True),
        category_id=(
            None if category is None else id_from_url(category, kind="categories", field="category")
        ),
        grid_ids=_get(data, "grids", _urls("grids", "grids"), required=False) or (),
        participants=_get(data, "participants", _logins, required=False) or (),
        repo_url=_get(data, "repo_url", _text, required=False) or "",
        repo_description=_get(data, "repo_description", _text, required=False) or "",
        repo_watchers=_get(data, "repo_watchers", _optional_int, required=False) or 0,
        repo_forks=_get(data, "repo_forks", _optional_int, required=False) or 0,
        pypi_url=_get(data, "pypi_url", _optional_str, required=False),
        pypi_version=_get(data, "pypi_version", _optional_str, required=False),
        documentation_url=_get(data, "documentation_url", _optional_str, required=False),
        last_updated=_get(data, "last_updated", _timestamp, required=False),
        last_fetched=_get(data, "last_fetched", _timestamp, required=False),
        created=_get(data, "created", _timestamp, required=False),
        modified=_get(data, "modified", _timestamp, required=False),
        commits_over_52=_get(data, "commits_over_52", _weekly_commits, required=False) or (),
        repo_host=_get(data, "repo_host", _optional_str, required=False),
        score=_get(data, "score", _optional_int, required=False),
        pypi_downloads=_get(data, "pypi_downloads", _optional_int, required=False),
        supports_python3=_get(data, "supports_python3", _optional_bool, required=False),
        commit_count=_get(data, "commit_count", _optional_int, required=False),
        favorite_count=_get(data, "favorite_count", _optional_int, required=False),
        date_deprecated=_get(data, "date_deprecated", _timestamp, required=False),
        date_repo_archived=_get(data, "date_repo_archived", _timestamp, required=False),
    )


def parse_grid(data: Any) -> GridRecord:
    data = _require_object(data)
    packages = data.get("packages")
    return GridRecord(
        id=_get(data, "id", _int, required=True),
        title=_get(data, "title", _non_empty, required=True),
        slug=_get(data, "slug", _non_empty, required=True),
        description=_get(data, "description", _text, required=False) or "",
        is_locked=bool(_get(data, "is_locked", _optional_bool, required=False)),
        header=bool(_get(data, "header", _optional_bool, required=False)),
        created=_get(data, "created", _timestamp, required=False),
        modified=_get(data, "modified", _timestamp, required=False),
        package_ids=None if packages is None else _urls("packages", "packages")(packages),
    )


def parse_category(data: Any) -> CategoryRecord:
    data = _require_object(data)
    return CategoryRecord(
        id=_get(data, "id", _int, required=True),
        title=_get(data, "title", _non_empty, required=True),
        slug=_get(data, "slug", _non_empty, required=True),
        description=_get(data, "description", _text, required=False) or "",
        title_plural=_get(data, "title_plural", _text, required=False) or "",
        show_pypi=bool(_get(data, "show_pypi", _optional_bool, required=False)),
        created=_get(data, "created", _timestamp, required=False),
        modified=_get(data, "modified", _timestamp, required=False),
    )

"""The Django Packages limits, checked before anything is written.

Checks collect every broken rule into one `Problems`, so a client fixes its input in
one round trip; `raise_if_any()` then refuses the whole write with all of them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from core.characters import refused_character
from writes.errors import FieldError, InvalidInput

TITLE_MAX = 100
CATEGORY_TITLE_MAX = 50
SLUG_MAX = 50
DESCRIPTION_MAX = 1000
ELEMENT_TEXT_MAX = 1000
URL_MAX = 200
PYPI_URL_MAX = 255
VERSION_MAX = 100
LOGIN_MAX = 100
WEEKS = 52

_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
# Logins are stored comma-separated upstream: no commas, no spaces.
_LOGIN = re.compile(r"[^\s,]+")

Path = tuple[str | int, ...]


class Problems:
    """The field errors found so far, in the order the fields were checked."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, path: Path, code: str, message: str) -> None:
        self.errors.append(FieldError(path, code, message))

    def has(self, path: Path) -> bool:
        return any(error.path == path for error in self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidInput(self.errors)


# A one-line value (a title, a version, a login) holds no control character: it would
# break the line it is shown on or the terminal it is printed to. Longer text may hold
# line breaks and tabs, never NUL (PostgreSQL cannot store it) (`core.characters`).


def text(
    problems: Problems,
    path: Path,
    value: Any,
    *,
    max_length: int,
    required: bool = False,
    single_line: bool = False,
) -> None:
    if value is None or value == "":
        if required:
            problems.add(path, "REQUIRED", f"{_name(path)} is required.")
        return
    if isinstance(value, str) and refused_character(value, one_line=single_line):
        problems.add(
            path,
            "CONTROL_CHARACTER",
            f"{_name(path)} holds a control character"
            + (" (one line, no tabs)." if single_line else " (NUL)."),
        )
        return
    if required and not str(value).strip():
        problems.add(path, "REQUIRED", f"{_name(path)} must not be blank.")
    elif len(value) > max_length:
        problems.add(
            path,
            "TOO_LONG",
            f"{_name(path)} is {len(value)} characters; the limit is {max_length}.",
        )


def slug(problems: Problems, path: Path, value: Any) -> None:
    text(problems, path, value, max_length=SLUG_MAX, required=True)
    if value and not problems.has(path) and not _SLUG.fullmatch(value):
        problems.add(
            path,
            "INVALID_SLUG",
            f"{_name(path)} {value!r} may hold only letters, digits, hyphens and underscores.",
        )


def url(problems: Problems, path: Path, value: Any, *, max_length: int = URL_MAX) -> None:
    """An absolute http(s) URL; empty and null mean "none" and pass."""
    if not value:
        return
    text(problems, path, value, max_length=max_length)
    if problems.has(path):
        return
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        problems.add(path, "INVALID_URL", f"{_name(path)} {value!r} is not an http(s) URL.")


def pypi_url(problems: Problems, path: Path, value: Any) -> None:
    """Django Packages keeps a PyPI URL or a bare project name here."""
    if not value:
        return
    if "/" in value or ":" in value:
        url(problems, path, value, max_length=PYPI_URL_MAX)
    elif not _SLUG.fullmatch(value.replace(".", "")) or len(value) > PYPI_URL_MAX:
        problems.add(path, "INVALID_URL", f"{_name(path)} {value!r} is not a PyPI URL or name.")


def non_negative(problems: Problems, path: Path, value: Any) -> None:
    if value is not None and value < 0:
        problems.add(path, "NEGATIVE", f"{_name(path)} must be 0 or more, got {value}.")


def weekly_counts(problems: Problems, path: Path, values: Sequence[int] | None) -> None:
    """No data (empty) or exactly 52 weekly counts, none negative."""
    if not values:
        return
    if len(values) != WEEKS:
        problems.add(
            path,
            "WRONG_LENGTH",
            f"{_name(path)} needs {WEEKS} weekly counts (or none), got {len(values)}.",
        )
    for index, count in enumerate(values):
        if count < 0:
            problems.add((*path, index), "NEGATIVE", f"week {index} has a negative count.")


def logins(problems: Problems, path: Path, values: Sequence[str]) -> None:
    seen: set[str] = set()
    for index, login in enumerate(values):
        where = (*path, index)
        if (
            not login
            or len(login) > LOGIN_MAX
            or not _LOGIN.fullmatch(login)
            or refused_character(login)  # NUL, ESC: `\s` does not cover them
        ):
            shown = login if len(login) <= LOGIN_MAX else login[:LOGIN_MAX] + "…"
            problems.add(
                where,
                "INVALID_LOGIN",
                f"{shown!r} is not a login (1 to {LOGIN_MAX} characters, no spaces, commas "
                "or control characters).",
            )
        elif login in seen:
            problems.add(where, "DUPLICATE", f"{login!r} is listed twice.")
        seen.add(login)


def _name(path: Path) -> str:
    named = [part for part in path if isinstance(part, str)]
    return named[-1] if named else "value"

"""Which characters a text input may hold, for every way text comes in (GraphQL
variables and arguments, REST paths and query strings, the writers).

NUL cannot be stored by PostgreSQL (asyncpg refuses the whole statement, an internal
error) and SQLite stores it, along with ESC, which then reaches a terminal or a log line.
So a one-line value (a slug, a login, a search term) holds no control character at all,
and free text (a description) holds line breaks and tabs but no other control character.
Each check is one regular-expression scan: linear, stopping at the first refusal.
"""

from __future__ import annotations

import re

MAX_NAME_LENGTH = 100
"""A slug or a login looked up or filtered by: the longest stored is a login's 100."""
MAX_SEARCH_LENGTH = 200
"""A search term: SQLite refuses a LIKE pattern over 50,000 bytes, and no title is longer."""

_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""C0, DEL and C1: nothing a one-line value may hold."""
_FREE_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""C0 but tab, line feed and carriage return, and DEL: what no text may hold."""


def refused_character(text: str, *, one_line: bool = True) -> str | None:
    """The first character `text` may not hold, as U+XXXX (None: none)."""
    found = (_ONE_LINE if one_line else _FREE_TEXT).search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def text_problem(text: str, *, max_length: int, one_line: bool = True) -> str | None:
    """Why `text` is refused ("is 50,010 characters long; at most 200"), None if it is
    not. The message never repeats the text: a client may send megabytes of it."""
    if len(text) > max_length:
        return f"is {len(text):,} characters long; at most {max_length:,} are accepted"
    character = refused_character(text, one_line=one_line)
    if character is not None:
        return f"holds the control character {character}"
    return None

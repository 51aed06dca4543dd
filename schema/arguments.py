"""Checks on arguments shared by many fields, failing with BAD_USER_INPUT."""

from __future__ import annotations

from core.characters import MAX_NAME_LENGTH, MAX_SEARCH_LENGTH, text_problem
from loaders.cursors import InvalidCursor, decode_cursor
from loaders.paging import Ordering, Window
from schema.errors import BadUserInput

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def checked_text(value: str, *, argument: str, max_length: int) -> str:
    """`value` if it fits one line of `max_length` (`core.characters`): a NUL would fail
    the PostgreSQL statement, a long search term SQLite's LIKE."""
    problem = text_problem(value, max_length=max_length)
    if problem is not None:
        raise BadUserInput(f"'{argument}' {problem}.", argument=argument)
    return value


def checked_name(value: str, *, argument: str) -> str:
    """A slug or a login to look up or filter by."""
    return checked_text(value, argument=argument, max_length=MAX_NAME_LENGTH)


def checked_search(value: str, *, argument: str) -> str:
    """A search term, in `search` or a filter."""
    return checked_text(value, argument=argument, max_length=MAX_SEARCH_LENGTH)


def page_size(first: int | None, *, argument: str = "first", default: int | None) -> int | None:
    """A page size between 1 and MAX_PAGE_SIZE; `default` when the client gave none."""
    if first is None:
        return default
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise BadUserInput(
            f"'{argument}' must be between 1 and {MAX_PAGE_SIZE}, got {first}.",
            argument=argument,
        )
    return first


def page_offset(offset: int | None) -> int:
    if offset is None:
        return 0
    if offset < 0:
        raise BadUserInput(f"'offset' must be 0 or more, got {offset}.", argument="offset")
    return offset


def page_window(
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    ordering: Ordering,
) -> Window:
    """A validated slice request: one of `first`/`last` (1 to 100, default first 20)."""
    if first is not None and last is not None:
        raise BadUserInput("Give 'first' or 'last', not both.", argument="last")
    size_first = page_size(first, default=None)
    size_last = page_size(last, argument="last", default=None)
    if size_first is None and size_last is None:
        size_first = DEFAULT_PAGE_SIZE
    for name, cursor in (("after", after), ("before", before)):
        if cursor is not None:
            try:
                decode_cursor(cursor, ordering.name, ordering.kinds())
            except InvalidCursor as error:
                raise BadUserInput(
                    f"'{name}' is not a cursor of this list and ordering: {error}",
                    argument=name,
                ) from None
    return Window(first=size_first, last=size_last, after=after, before=before)

"""Scalar read fields: the columns a field reads and how its value is computed from them.

`read_field(...)` returns a Strawberry field whose metadata holds a `Read`; `read_from`
names the table a type's rows come from. `row_values` gives a type's field values from an
ORM row (the reference path, `from_row`), and `bound_reads` the same reads as table columns
(the compiled path). A new column exposed on a type is therefore one line, in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any, TypeVar

import strawberry
from sqlalchemy import Column, Table

import models

READ = "dpgraph.read"
"""The key of a field's `Read` in its Strawberry metadata."""

_TABLE = "__read_table__"
T = TypeVar("T", bound=type)


@dataclass(frozen=True)
class Read:
    """`columns`: the table columns read, in the order `compute` takes them (empty: the one
    column named as the field's Python name). `compute`: the field's value from them (None:
    the one column's value as stored). `clock`: `compute` also takes `now=` (the request's
    clock), for facts that age."""

    columns: tuple[str, ...] = ()
    compute: Callable[..., Any] | None = None
    clock: bool = False


@dataclass(frozen=True)
class Bound:
    """A `Read` on a type's table: the field's Python name and its columns."""

    python_name: str
    columns: tuple[Column[Any], ...]
    read: Read

    @property
    def plain(self) -> bool:
        """The value is its one column's, as stored (the compiled row is read by position)."""
        return self.read.compute is None


def read_field(
    *,
    description: str,
    column: str | None = None,
    columns: tuple[str, ...] = (),
    compute: Callable[..., Any] | None = None,
    clock: bool = False,
) -> Any:
    """A Strawberry field read from its type's table (`read_from`): `column` (default: the
    field's Python name) as stored, or `compute(*columns)`."""
    read = Read(columns or ((column,) if column else ()), compute, clock)
    if compute is None and len(read.columns) > 1:
        raise ValueError(f"a field reading {read.columns} needs `compute`")
    return strawberry.field(description=description, metadata={READ: read})


def stamp_field(*, description: str, column: str | None = None) -> Any:
    """A timestamp with the UTC offset it was written with (`<column>` and
    `<column>_offset`, `models.with_offset`)."""
    return strawberry.field(description=description, metadata={READ: _Stamp(column=column)})


@dataclass(frozen=True)
class _Stamp(Read):
    """A `Read` whose two columns are known once the field's name is."""

    column: str | None = None


def read_from(model: Any) -> Callable[[T], T]:
    """Class decorator (under `@strawberry.type`): the type's rows are `model`'s."""

    def mark(cls: T) -> T:
        setattr(cls, _TABLE, model.__table__)
        return cls

    return mark


def table_of(cls: type) -> Table | None:
    """The table `read_from` named for a Strawberry type's class, or None."""
    table: Table | None = getattr(cls, _TABLE, None)
    return table


_BOUND: dict[type, tuple[Bound, ...]] = {}


def bound_reads(cls: type) -> tuple[Bound, ...]:
    """Every read field of a `read_from` type, in declaration order (cached per class)."""
    known = _BOUND.get(cls)
    if known is None:
        known = _BOUND[cls] = tuple(_bind(cls))
    return known


def _bind(cls: type) -> list[Bound]:
    table = table_of(cls)
    if table is None:
        raise TypeError(f"{cls.__name__} has no table (`read_from`)")
    definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    bound = []
    for field in definition.fields:
        read = field.metadata.get(READ)
        if read is None:
            continue
        if isinstance(read, _Stamp):
            name = read.column or field.python_name
            read = Read((name, f"{name}_offset"), models.with_offset)
        names = read.columns or (field.python_name,)
        bound.append(Bound(field.python_name, tuple(table.c[name] for name in names), read))
    return bound


Reader = Callable[[Any, datetime | None], Any]

_READERS: dict[type, tuple[tuple[tuple[str, Reader], ...], bool]] = {}


def row_values(cls: type, row: Any) -> dict[str, Any]:
    """The read fields' values from an ORM row: the keyword arguments of `cls(...)`."""
    known = _READERS.get(cls)
    if known is None:
        bound = bound_reads(cls)
        readers = tuple((field.python_name, _reader(field)) for field in bound)
        known = _READERS[cls] = (readers, any(field.read.clock for field in bound))
    readers, clock = known
    now = datetime.now(UTC) if clock else None
    return {name: read(row, now) for name, read in readers}


def _reader(field: Bound) -> Reader:
    """One field's value from an ORM row (the row's attributes are its columns' keys)."""
    get = attrgetter(*(column.key for column in field.columns))
    compute = field.read.compute
    if compute is None:
        return lambda row, now: get(row)
    if len(field.columns) == 1:
        if field.read.clock:
            return lambda row, now: compute(get(row), now=now)
        return lambda row, now: compute(get(row))
    if field.read.clock:
        return lambda row, now: compute(*get(row), now=now)
    return lambda row, now: compute(*get(row))

"""The steps every edit shares: lock the row, check the version, change, record."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import func, select, text
from sqlmodel import SQLModel

from writes.changes import Action, Change, ObjectRef
from writes.errors import Missing, StaleVersion
from writes.fields import apply_changes
from writes.snapshots import camel, data_columns, public_value, snapshot
from writes.unit import WriteUnit

Row = TypeVar("Row", bound=SQLModel)

# Per-table advisory lock keys: creates take the next id under the lock (PostgreSQL).
_ID_LOCKS = {"package": 0x64706701, "grid": 0x64706702, "category": 0x64706703}


def type_name(row: SQLModel | type[SQLModel]) -> str:
    cls = row if isinstance(row, type) else type(row)
    return cls.__name__


async def locked_row(unit: WriteUnit, table: type[Row], row_id: int) -> Row:
    """The row, locked until the unit ends (PostgreSQL FOR UPDATE; SQLite's write
    transaction already excludes other writers), or Missing."""
    id_column: Any = table.id  # type: ignore[attr-defined]
    statement = select(table).where(id_column == row_id).with_for_update()
    row = (await unit.session.execute(statement)).scalar_one_or_none()
    if row is None:
        raise Missing(type_name(table), row_id)
    return row


def check_version(row: SQLModel, expected: int | None) -> None:
    """Refuse an edit made on a copy older than the row (None: the caller did not ask)."""
    current: int = row.version  # type: ignore[attr-defined]
    if expected is not None and expected != current:
        raise StaleVersion(type_name(row), row.id, snapshot(row))  # type: ignore[attr-defined]


async def next_id(unit: WriteUnit, table: type[SQLModel]) -> int:
    """Ids follow the Django Packages ids already held; creates take them one at a time."""
    name = str(table.__tablename__)
    if unit.session.bind is not None and unit.session.bind.dialect.name == "postgresql":
        await unit.session.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ID_LOCKS[name]}
        )
    id_column: Any = table.id  # type: ignore[attr-defined]
    highest = (await unit.session.execute(select(func.max(id_column)))).scalar()
    return int(highest or 0) + 1


def touch(unit: WriteUnit, row: SQLModel, *, stamp: bool = True) -> None:
    """A changed row gets a new version and, where it has one, a new `modified`."""
    row.version += 1  # type: ignore[attr-defined]
    if stamp and "modified" in type(row).model_fields:
        row.modified = unit.now
        row.modified_offset = 0


async def insert(unit: WriteUnit, row: Row, *, related: tuple[ObjectRef, ...] = ()) -> Row:
    unit.session.add(row)
    await unit.session.flush()
    record_created(unit, row, related=related)
    return row


def record_created(
    unit: WriteUnit,
    row: SQLModel,
    *,
    related: tuple[ObjectRef, ...] = (),
    extra: dict[str, Any] | None = None,
) -> None:
    """Audit a new row: every field from nothing, plus `extra` lists such as its grids."""
    fields = {
        camel(name): {"before": None, "after": public_value(row, name)}
        for name in data_columns(row)
    }
    for name, value in (extra or {}).items():
        fields[name] = {"before": None, "after": value}
    unit.record(Change(_ref(row), Action.CREATED, fields, related))


async def update(
    unit: WriteUnit,
    row: SQLModel,
    columns: dict[str, Any],
    *,
    related: tuple[ObjectRef, ...] = (),
    extra: dict[str, dict[str, Any]] | None = None,
    stamp: bool = True,
) -> bool:
    """Apply the columns; record the change and bump the version only if something differs.

    `extra` carries link changes (grids, participants) that live in other tables;
    `stamp` sets `modified` to now (an import keeps the source's own `modified`).
    """
    fields = apply_changes(row, columns)
    fields.update(extra or {})
    if not fields:
        return False
    if "version" in type(row).model_fields:
        touch(unit, row, stamp=stamp)
    unit.record(Change(_ref(row), Action.UPDATED, fields, related))
    await unit.session.flush()
    return True


async def delete(unit: WriteUnit, row: SQLModel, *, related: tuple[ObjectRef, ...] = ()) -> None:
    fields = {
        camel(name): {"before": public_value(row, name), "after": None}
        for name in data_columns(row)
    }
    unit.record(Change(_ref(row), Action.DELETED, fields, related))
    await unit.session.delete(row)
    await unit.session.flush()


def _ref(row: SQLModel) -> ObjectRef:
    return ObjectRef(type_name(row), row.id)  # type: ignore[attr-defined]

"""Write source items through the one write path, in order, a batch per transaction.

Order: categories, grids (their rows), packages, then each grid's package list once
every package is in. A grid's list is the authority on its members: a package whose
own `grids` disagrees is written with the grid's view, so both sides agree and a
second run with the same data writes nothing.

Each record runs in its own SAVEPOINT: a record the database refuses (a slug that
belongs to another id, a value too long) is rolled back alone and reported with its
position, while the rest of its batch commits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

import models
from core.db import Database
from importer.items import WRITE_ORDER, Item, Kind, UnknownKind
from importer.progress import Reporter
from importer.summary import Failure, Summary
from importer.v4 import MalformedRecord, parse_category, parse_grid, parse_package
from writes import (
    IMPORTER,
    InvalidInput,
    Outcome,
    Publisher,
    WriteUnit,
    open_unit,
    upsert_category,
    upsert_grid,
    upsert_package,
)
from writes.prefetch import prefetch_packages
from writes.records import CategoryRecord, GridRecord, PackageRecord

logger = logging.getLogger("dpgraph.import")

Record = CategoryRecord | GridRecord | PackageRecord
T = TypeVar("T")

_PARSERS: dict[Kind, Callable[[Any], Record]] = {
    Kind.CATEGORY: parse_category,
    Kind.GRID: parse_grid,
    Kind.PACKAGE: parse_package,
}
_TABLES: dict[Kind, Any] = {
    Kind.CATEGORY: models.Category,
    Kind.GRID: models.Grid,
    Kind.PACKAGE: models.Package,
}
_KINDS = {"Category": Kind.CATEGORY, "Grid": Kind.GRID}
"""Placeholder rows by table name (`writes.unit.WriteUnit.placeholders`)."""
MEMBERSHIPS = "memberships"


class RecordRefused(ValueError):
    """The database refused a record; the message names the column and value at fault."""


@dataclass(frozen=True)
class _Parsed:
    item: Item
    record: Record


def batched(values: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class Writer:
    """Writes items as they come; `finish()` applies the grids' package lists at the end."""

    def __init__(
        self,
        db: Database,
        *,
        summary: Summary,
        reporter: Reporter,
        batch_size: int = 100,
        publish: Publisher | None = None,
    ) -> None:
        self.db = db
        self.publish = publish
        self.summary = summary
        self.reporter = reporter
        self.batch_size = batch_size
        self.seen: dict[Kind, set[int]] = {kind: set() for kind in Kind}
        self.referenced: dict[Kind, set[int]] = {kind: set() for kind in Kind}
        self._listed_grids: set[int] = set()  # grids whose package list we have
        self._listed_in: dict[int, set[int]] = {}  # package id -> grids that list it
        self._grid_lists: dict[int, _Parsed] = {}

    async def write(self, items: Sequence[Item]) -> None:
        """Items of any kinds: categories first, then grids, then packages."""
        for item in items:
            if item.kind is None:
                self._fail(None, item, str(UnknownKind(sorted(_keys(item.data)))))
        for kind in WRITE_ORDER:
            chosen = [item for item in items if item.kind is kind]
            if chosen:
                await self._write_kind(kind, chosen)

    async def finish(self) -> None:
        """Give each grid exactly the packages its list names (those we have)."""
        grids = list(self._grid_lists.values())
        self._grid_lists.clear()
        if grids:
            self.reporter.expect(MEMBERSHIPS, len(grids))
        for chunk in batched(grids, self.batch_size):
            await self._write_batch(Kind.GRID, chunk)
            self.reporter.advance(MEMBERSHIPS, len(chunk))

    def missing(self, kind: Kind) -> list[int]:
        """Ids packages referenced that no source has delivered yet."""
        return sorted(self.referenced[kind] - self.seen[kind])

    async def _write_kind(self, kind: Kind, items: Sequence[Item]) -> None:
        parsed: list[_Parsed] = []
        for item in items:
            if isinstance(item.source_id, int) and not isinstance(item.source_id, bool):
                self.seen[kind].add(item.source_id)
            try:
                record = _PARSERS[kind](item.data)
            except MalformedRecord as error:
                self._fail(kind, item, str(error))
                continue
            self._note_references(record)
            parsed.append(_Parsed(item, self._prepare(item, record)))
        self.reporter.advance(kind.value, len(items) - len(parsed))
        for chunk in batched(parsed, self.batch_size):
            await self._write_batch(kind, chunk)
            self.reporter.advance(kind.value, len(chunk))

    def _prepare(self, item: Item, record: Record) -> Record:
        """Grid rows first, their lists at the end; a package takes the grids' view."""
        if isinstance(record, GridRecord):
            if record.package_ids is not None:
                self._grid_lists[record.id] = _Parsed(item, record)
                if record.id in self._listed_grids:  # a later copy replaces the list
                    for listed in self._listed_in.values():
                        listed.discard(record.id)
                self._listed_grids.add(record.id)
                for package_id in record.package_ids:
                    self._listed_in.setdefault(package_id, set()).add(record.id)
            return replace(record, package_ids=None)
        if isinstance(record, PackageRecord):
            return replace(record, grid_ids=self._grids_of(record))
        return record

    def _grids_of(self, record: PackageRecord) -> tuple[int, ...]:
        """The package's own order, minus grids whose list omits it, plus those that list it."""
        listed_in = self._listed_in.get(record.id, set())
        own = [g for g in record.grid_ids if g not in self._listed_grids or g in listed_in]
        return (*own, *sorted(listed_in.difference(own)))

    def _note_references(self, record: Record) -> None:
        if isinstance(record, PackageRecord):
            if record.category_id is not None:
                self.referenced[Kind.CATEGORY].add(record.category_id)
            self.referenced[Kind.GRID].update(record.grid_ids)

    async def _write_batch(self, kind: Kind, chunk: Sequence[_Parsed]) -> None:
        """One transaction; a refused record rolls back to its own savepoint only."""
        outcomes: list[tuple[int, Outcome]] = []
        refused: list[tuple[Item, str]] = []
        async with open_unit(self.db, actor=IMPORTER, publish=self.publish) as unit:
            placeholders = unit.placeholders
            packages = [p.record for p in chunk if isinstance(p.record, PackageRecord)]
            if packages:
                unit.prefetched = await prefetch_packages(unit.session, packages)
            for parsed in chunk:
                try:
                    async with unit.savepoint():
                        outcome = await _upsert(unit, parsed.record)
                except InvalidInput as error:
                    unit.session.expunge_all()
                    refused.append((parsed.item, str(error)))
                    if kind is Kind.GRID:
                        self._grid_lists.pop(parsed.record.id, None)
                except (IntegrityError, DataError) as error:
                    session = unit.session
                    session.expunge_all()  # forget rows the savepoint rollback expired
                    refused.append((parsed.item, await _explain(session, kind, parsed, error)))
                    if kind is Kind.GRID:  # its list would only be refused again at the end
                        self._grid_lists.pop(parsed.record.id, None)
                else:
                    outcomes.append((parsed.record.id, outcome))
        for ref in placeholders:
            self.summary.record_placeholder(_KINDS[ref.type], ref.id)
        for record_id, outcome in outcomes:
            self.summary.record(kind, record_id, outcome)
        for item, message in refused:
            self._fail(kind, item, message)

    def _fail(self, kind: Kind | None, item: Item, message: str) -> None:
        if kind is not None and item.source_id is not None:
            message = f"{kind.singular} {item.source_id}: {message}"
        failure = Failure(kind, item.position, message)
        self.summary.failures.append(failure)
        logger.warning("skipped %s", failure)


async def _upsert(unit: WriteUnit, record: Record) -> Outcome:
    if isinstance(record, CategoryRecord):
        return await upsert_category(unit, record)
    if isinstance(record, GridRecord):
        return await upsert_grid(unit, record)
    return await upsert_package(unit, record)


async def _explain(
    session: AsyncSession, kind: Kind, parsed: _Parsed, error: IntegrityError | DataError
) -> str:
    """Name the column and value at fault: a slug taken by another id is the usual one."""
    record = parsed.record
    table = _TABLES[kind]
    other = (
        await session.execute(
            select(table.id).where(table.slug == record.slug, table.id != record.id)
        )
    ).scalar()
    if other is not None:
        message = f"slug {record.slug!r} already belongs to {kind.singular} {other}"
    else:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        message = f"the database refused it: {reason}"
    return str(RecordRefused(message))


def _keys(data: Any) -> list[str]:
    return [str(key) for key in data] if isinstance(data, dict) else [type(data).__name__]

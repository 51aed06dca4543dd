"""A write unit: one transaction, who is writing, and the changes it made.

Every change to the catalogue, from a mutation or the importer, happens inside a unit.
The unit writes an audit entry per change in the same transaction, and hands the
changes to the publisher only after the commit, so subscribers never hear of a change
that was rolled back.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

import models
from core.db import Database
from writes.changes import Change, ObjectRef
from writes.prefetch import Prefetched

logger = logging.getLogger("dpgraph.writes")

Publisher = Callable[[Sequence[Change]], Awaitable[None]]


@dataclass(frozen=True)
class Actor:
    """Who writes: a token's name, or "import". Admins may edit locked grids."""

    name: str
    may_edit_locked: bool = False


IMPORTER = Actor("import", may_edit_locked=True)


@dataclass
class WriteUnit:
    session: AsyncSession
    actor: Actor
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    changes: list[Change] = field(default_factory=list)
    placeholders: list[ObjectRef] = field(default_factory=list)
    """Rows made from a reference alone (an id, `is_fetched` false): no change to
    publish or audit, but an import's summary counts them."""
    prefetched: Prefetched | None = None
    """A batch's reads done up front (writes.prefetch); None: each write reads its own."""

    def record(self, change: Change) -> None:
        self.changes.append(change)

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """Work that may fail alone: on error its rows and its changes are both undone."""
        mark, placeholders = len(self.changes), len(self.placeholders)
        try:
            async with self.session.begin_nested():
                yield
        except BaseException:
            self.prefetched = None  # its rows may be expired or expunged, its stubs undone
            del self.changes[mark:]
            del self.placeholders[placeholders:]
            raise

    def _audit_values(self) -> list[dict[str, Any]]:
        return [
            {"at": self.now, "actor": self.actor.name, **change.audit_values()}
            for change in self.changes
        ]


@asynccontextmanager
async def open_unit(
    db: Database, *, actor: Actor, publish: Publisher | None = None
) -> AsyncIterator[WriteUnit]:
    """`async with open_unit(db, actor=...) as unit:` commits on exit, or rolls back on error."""
    async with db.transaction() as session:
        unit = WriteUnit(session=session, actor=actor)
        yield unit
        if unit.changes:  # one bulk INSERT: no ORM object per entry (an import writes hundreds)
            await session.execute(insert(models.AuditEntry), unit._audit_values())
    if publish is not None and unit.changes:
        try:
            await publish(list(unit.changes))
        except Exception:  # the write is committed; a lost notification must not undo it
            logger.exception("publishing %d change(s) failed", len(unit.changes))

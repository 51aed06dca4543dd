"""Comparison grids: the grid, its packages, its features and the cells between them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint, func, text
from sqlmodel import Field, SQLModel

from models.timestamps import UTCDateTime


class Grid(SQLModel, table=True):
    """A comparison grid; rows known only by a package's reference have `is_fetched` false."""

    __tablename__ = "grid"
    __table_args__ = (Index("ix_grid_title_lower", func.lower(text("title")), "id"),)

    id: int = Field(primary_key=True)
    title: str | None = Field(default=None, max_length=100)
    slug: str | None = Field(default=None, max_length=100, unique=True)
    description: str | None = None
    is_locked: bool | None = None
    header: bool | None = None
    created: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_offset: int | None = None
    modified: datetime | None = Field(default=None, sa_type=UTCDateTime)
    modified_offset: int | None = None
    is_fetched: bool = False
    # Bumped by every change, so an edit made on a stale copy is refused (see writes/).
    version: int = 1


class GridPackage(SQLModel, table=True):
    """A package's membership in a grid (one row of the comparison)."""

    __tablename__ = "grid_package"
    __table_args__ = (
        UniqueConstraint("grid_id", "package_id"),
        Index("ix_grid_package_grid", "grid_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    grid_id: int = Field(foreign_key="grid.id", ondelete="CASCADE")
    package_id: int = Field(foreign_key="package.id", ondelete="CASCADE", index=True)
    # The grid's place in the package's own grid list (v4 lists grids in that order);
    # null for memberships known only from the grid's side.
    position: int | None = None


class Feature(SQLModel, table=True):
    """A feature compared by a grid (one column of the comparison)."""

    __tablename__ = "feature"

    id: int | None = Field(default=None, primary_key=True)
    grid_id: int = Field(foreign_key="grid.id", ondelete="CASCADE", index=True)
    title: str = Field(max_length=100)
    description: str = ""
    version: int = 1


class Element(SQLModel, table=True):
    """One cell of a comparison grid: what a package offers for a feature."""

    __tablename__ = "element"
    __table_args__ = (UniqueConstraint("grid_package_id", "feature_id"),)

    id: int | None = Field(default=None, primary_key=True)
    grid_package_id: int = Field(foreign_key="grid_package.id", ondelete="CASCADE")
    feature_id: int = Field(foreign_key="feature.id", ondelete="CASCADE", index=True)
    text: str = ""

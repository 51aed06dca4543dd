"""The `category` table: Apps, Frameworks, ... as Django Packages groups them."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.timestamps import UTCDateTime


class Category(SQLModel, table=True):
    """A category; rows known only by a package's reference have `is_fetched` false."""

    __tablename__ = "category"

    id: int = Field(primary_key=True)
    title: str | None = Field(default=None, max_length=100)
    slug: str | None = Field(default=None, max_length=100, unique=True)
    description: str | None = None
    title_plural: str | None = Field(default=None, max_length=100)
    show_pypi: bool | None = None
    created: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_offset: int | None = None
    modified: datetime | None = Field(default=None, sa_type=UTCDateTime)
    modified_offset: int | None = None
    is_fetched: bool = False
    # Bumped by every change, so an edit made on a stale copy is refused (see writes/).
    version: int = 1

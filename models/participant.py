"""Participants (repository contributors) and their ordered link to packages."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class Participant(SQLModel, table=True):
    """A contributor, known by login."""

    __tablename__ = "participant"

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(max_length=100, unique=True)


class PackageParticipant(SQLModel, table=True):
    """A login in a package's participants list; `position` keeps the source order."""

    __tablename__ = "package_participant"

    package_id: int = Field(foreign_key="package.id", primary_key=True, ondelete="CASCADE")
    participant_id: int = Field(
        foreign_key="participant.id", primary_key=True, index=True, ondelete="CASCADE"
    )
    position: int

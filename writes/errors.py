"""Why a write was refused. The GraphQL layer maps each to a stable `extensions.code`.

    WriteRefused
    ├── InvalidInput      every field error at once (BAD_USER_INPUT)
    ├── Missing           the object named does not exist (NOT_FOUND)
    ├── StaleVersion      the client's version is not the current one (CONFLICT)
    ├── InUse             other rows still depend on it (CONFLICT)
    └── Locked            a locked grid, and the writer may not edit locked grids (FORBIDDEN)

Raising any of them inside a write unit rolls the whole transaction back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldError:
    """One rule broken by one input field; `path` is relative to the input object."""

    path: tuple[str | int, ...]
    code: str
    message: str


class WriteRefused(Exception):
    pass


class InvalidInput(WriteRefused):
    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors = list(errors)
        details = "; ".join(f"{'.'.join(map(str, e.path))}: {e.message}" for e in self.errors)
        super().__init__(f"invalid input: {details}")


class Missing(WriteRefused):
    def __init__(self, object_type: str, key: object) -> None:
        self.object_type = object_type
        self.key = key
        super().__init__(f"No {object_type} with id {key}.")


class StaleVersion(WriteRefused):
    def __init__(self, object_type: str, object_id: int, current: dict[str, Any]) -> None:
        self.object_type = object_type
        self.object_id = object_id
        self.current = current
        super().__init__(
            f"{object_type} {object_id} was changed by someone else: it is now at version "
            f"{current.get('version')}. Reload it and apply your edit again."
        )


class InUse(WriteRefused):
    def __init__(self, object_type: str, object_id: int, users: str, count: int) -> None:
        self.object_type = object_type
        self.object_id = object_id
        self.count = count
        super().__init__(f"{object_type} {object_id} is still used by {count} {users}.")


class Locked(WriteRefused):
    def __init__(self, grid_id: int) -> None:
        self.grid_id = grid_id
        super().__init__(f"Grid {grid_id} is locked: only an admin can edit it.")

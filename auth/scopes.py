"""Token scopes: `write` edits the catalogue; `admin` also manages it."""

from __future__ import annotations

from enum import StrEnum


class Scope(StrEnum):
    WRITE = "write"
    ADMIN = "admin"

    def grants(self, required: Scope) -> bool:
        return self is Scope.ADMIN or required is Scope.WRITE

"""What delete mutations answer: the object that is gone, by both its ids."""

from __future__ import annotations

import strawberry
from strawberry import relay


@strawberry.type(description="The object a delete removed.")
class Deleted:
    id: strawberry.ID = strawberry.field(description="Its global id (for caches to evict).")
    database_id: int = strawberry.field(description="Its database id.")

    @classmethod
    def of(cls, type_name: str, database_id: int) -> Deleted:
        return cls(
            id=strawberry.ID(relay.to_base64(type_name, database_id)), database_id=database_id
        )

"""Shared plumbing for types that implement the Relay `Node` interface."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from core.bounds import id_in_range
from schema.errors import BadUserInput


def database_ids(node_ids: Iterable[str], type_name: str) -> list[int]:
    """The integer ids inside global ids; a malformed one, or one over the id column's
    range (`core.bounds`), is the client's error."""
    ids: list[int] = []
    for node_id in node_ids:
        try:
            number = int(node_id)
        except ValueError:
            number = None
        if number is None or not id_in_range(number):  # no row has it: the SQL would fail
            shown = node_id if len(node_id) <= 40 else node_id[:40] + "…"
            raise BadUserInput(f"{shown!r} is not a valid {type_name} id.", argument="id")
        ids.append(number)
    return ids


async def load_nodes(
    loader: DataLoader[int, Any], node_ids: Iterable[str], type_name: str, required: bool
) -> Sequence[Any]:
    rows = await loader.load_many(database_ids(node_ids, type_name))
    if required and any(row is None for row in rows):
        raise BadUserInput(f"No {type_name} with one of the given ids.", argument="ids")
    return rows

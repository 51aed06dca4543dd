"""Run one mutation through the write path: check the token, open a unit, map refusals."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import strawberry
from sqlalchemy.exc import IntegrityError
from strawberry import relay

from auth import Scope
from core.bounds import id_in_range
from schema.context import Info
from schema.errors import BadUserInput, Conflict, DpGraphError, Forbidden, NotFound
from schema.permissions import require
from writes import (
    Actor,
    InUse,
    InvalidInput,
    Locked,
    Missing,
    StaleVersion,
    WriteRefused,
    WriteUnit,
    open_unit,
)

T = TypeVar("T")

ExpectedVersion = Annotated[
    int,
    strawberry.argument(
        description="The `version` you last read; if the object has changed since, the edit "
        "is refused with CONFLICT and the current values."
    ),
]


async def run_write(
    info: Info,
    scope: Scope,
    operation: Callable[[WriteUnit], Awaitable[T]],
    *,
    argument: str | None = "input",
) -> T:
    """`argument` prefixes field error paths: ["input", "title"] for an input object."""
    identity = await require(info, scope)
    actor = Actor(identity.name, may_edit_locked=identity.scope is Scope.ADMIN)
    context = info.context
    try:
        async with open_unit(context.db, actor=actor, publish=context.publish) as unit:
            return await operation(unit)
    except WriteRefused as refusal:
        raise graphql_error(refusal, argument) from None
    except IntegrityError:
        # Two writers raced past the checks (the same new slug, say): nothing was written.
        raise Conflict(
            "A concurrent change conflicts with this one; nothing was written. Try again.",
            reason="CONCURRENT_CHANGE",
        ) from None


def graphql_error(refusal: WriteRefused, argument: str | None) -> DpGraphError:
    if isinstance(refusal, InvalidInput):
        prefix: list[str | int] = [argument] if argument else []
        problems = [
            {"path": [*prefix, *error.path], "code": error.code, "message": error.message}
            for error in refusal.errors
        ]
        count = len(problems)
        return BadUserInput(
            f"The input has {count} problem{'s' if count > 1 else ''}: "
            + "; ".join(error.message for error in refusal.errors),
            fieldErrors=problems,
        )
    if isinstance(refusal, Missing):
        return NotFound(str(refusal), objectType=refusal.object_type)
    if isinstance(refusal, StaleVersion):
        return Conflict(str(refusal), reason="STALE_VERSION", current=refusal.current)
    if isinstance(refusal, InUse):
        return Conflict(str(refusal), reason="IN_USE", count=refusal.count)
    if isinstance(refusal, Locked):
        return Forbidden(str(refusal), reason="GRID_LOCKED")
    raise AssertionError(f"unmapped refusal {refusal!r}")


def database_id(global_id: relay.GlobalID, type_name: str, argument: str) -> int:
    """The integer inside a global id of the expected type; anything else is bad input."""
    if global_id.type_name != type_name:
        raise BadUserInput(
            f"'{argument}' must be a {type_name} id, got a {global_id.type_name} id.",
            argument=argument,
        )
    try:
        number = int(global_id.node_id)
    except ValueError:
        number = None
    if number is None or not id_in_range(number):
        raise BadUserInput(f"'{argument}' is not a valid {type_name} id.", argument=argument)
    return number


def given(source: Any) -> dict[str, Any]:
    """The fields a client actually sent in an input object (UNSET ones are left out)."""
    from strawberry import UNSET

    return {name: value for name, value in vars(source).items() if value is not UNSET}

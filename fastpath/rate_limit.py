"""`rateLimit`: the caller's budget after this operation's charge, read from the request's
spending slot as the reference's resolver (`schema.rate_limit.rate_limit_field`) reads it.
The compiled path charges before it runs the plan, so the slot holds the charge."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from graphql import FieldNode, GraphQLObjectType, get_named_type

from fastpath.compiler_tools import Levels, Unsupported, subselections
from fastpath.plan import Env, Getter, Row
from ratelimit.budget import Budget
from ratelimit.spending import current

_READ: dict[str, Callable[[Budget], Any]] = {
    "__typename": lambda budget: "RateLimit",
    "cost": lambda budget: budget.cost,
    "limit": lambda budget: budget.limit,
    "used": lambda budget: budget.used,
    "remaining": lambda budget: budget.remaining,
    "resetAt": lambda budget: datetime.fromtimestamp(round(budget.reset_at), UTC),
}


def rate_limit(fields: list[tuple[str, str]], serialize: Callable[[str, Any], Any]) -> Getter:
    """(response key, field name) pairs; `serialize(field name, value)` as the schema's
    scalar does (DateTime)."""
    reads = [(key, name, _READ[name]) for key, name in fields]

    def get(row: Row, env: Env) -> dict[str, Any] | None:
        slot = current()
        budget = slot.budget if slot is not None else None
        if budget is None:
            return None
        return {key: serialize(name, read(budget)) for key, name, read in reads}

    return get


def compile_rate_limit(
    compiler: Levels, parent: GraphQLObjectType, nodes: list[FieldNode]
) -> Getter:
    """`rateLimit`'s fields, read from the request's charge when the plan runs."""
    limit_type = get_named_type(parent.fields["rateLimit"].type)
    assert isinstance(limit_type, GraphQLObjectType)
    fields: list[tuple[str, str]] = []
    for key, selected in compiler.fields(limit_type, subselections(nodes)):
        field_name = selected[0].name.value
        if field_name not in _READ:
            raise Unsupported(f"RateLimit.{field_name}")
        fields.append((key, field_name))

    def serialize(field_name: str, value: Any) -> Any:
        if field_name == "__typename":
            return value
        scalar = get_named_type(limit_type.fields[field_name].type)
        return scalar.serialize(value)

    return rate_limit(fields, serialize)

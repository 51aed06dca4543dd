"""How a level's rows become dicts: one writer function per object plan, chosen once when
the plan is compiled, so writing a row is a dict built from positions, without a
per-value dispatch on entry kinds."""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from fastpath.plan import Env, ObjectPlan, Row, Value, Write


def sealed(plan: ObjectPlan) -> ObjectPlan:
    """`plan` with its writer and the entries filled in after the rows (children)."""
    plan.later = [entry for entry in plan.entries if not isinstance(entry, Value)]
    plan.write = writer(plan)
    return plan


def _nothing(row: Row, env: Env) -> Any:
    return None


def writer(plan: ObjectPlan) -> Write:
    keys = tuple(entry.key for entry in plan.entries)
    indexes = [entry.index if isinstance(entry, Value) else None for entry in plan.entries]
    if not keys:
        return lambda rows, env: [{} for _ in rows]
    if len(keys) == 1 and indexes[0] is not None:
        key, index = keys[0], indexes[0]
        return lambda rows, env: [{key: row[index]} for row in rows]
    if all(index is not None for index in indexes):
        get = itemgetter(*[index for index in indexes if index is not None])
        return lambda rows, env: [dict(zip(keys, get(row), strict=True)) for row in rows]
    # Children are filled in later, over the None their key holds here (its place kept).
    plain = [(e.key, e.index) for e in plan.entries if isinstance(e, Value) and e.index is not None]
    computed = tuple(
        (e.key, e.get) for e in plan.entries if isinstance(e, Value) and e.index is None
    )
    plain_keys = tuple(key for key, _ in plain)
    read = itemgetter(*[index for _, index in plain]) if plain else None
    single = len(plain) == 1

    def write(rows: Sequence[Row], env: Env) -> list[dict[str, Any]]:
        outs: list[dict[str, Any]] = []
        for row in rows:
            out = dict.fromkeys(keys)
            if read is not None:
                values = read(row)
                out.update(zip(plain_keys, (values,) if single else values, strict=True))
            for key, get in computed:
                out[key] = get(row, env)
            outs.append(out)
        return outs

    return write

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


def _template(plan: ObjectPlan) -> dict[str, Any]:
    """Every key in selection order, constants (`__typename`) already in place: a copy is
    an object whose key order is the reference's, whatever is filled in afterwards."""
    return {
        entry.key: entry.constant if isinstance(entry, Value) else None for entry in plan.entries
    }


def writer(plan: ObjectPlan) -> Write:
    values = [e for e in plan.entries if isinstance(e, Value) and e.constant is None]
    plain = [(e.key, e.index) for e in values if e.index is not None]
    computed = tuple((e.key, e.get) for e in values if e.index is None)
    template = _template(plan)
    keys = tuple(template)
    if not plain and not computed:
        return lambda rows, env: [template.copy() for _ in rows]
    if len(plain) == len(keys) == 1:
        key, index = plain[0]
        return lambda rows, env: [{key: row[index]} for row in rows]
    plain_keys = tuple(key for key, _ in plain)
    read = itemgetter(*[index for _, index in plain]) if plain else None
    if read is not None and not computed:
        if len(plain) == len(keys):
            return lambda rows, env: [dict(zip(keys, read(row), strict=True)) for row in rows]
        if len(plain) == 1:
            key, index = plain[0]

            def write_one(rows: Sequence[Row], env: Env) -> list[dict[str, Any]]:
                outs = []
                for row in rows:
                    out = template.copy()
                    out[key] = row[index]
                    outs.append(out)
                return outs

            return write_one

        def write_plain(rows: Sequence[Row], env: Env) -> list[dict[str, Any]]:
            outs = []
            for row in rows:
                out = template.copy()
                out.update(zip(plain_keys, read(row), strict=True))
                outs.append(out)
            return outs

        return write_plain
    # Children are filled in later, over the None their key holds here (its place kept).
    single = len(plain) == 1

    def write(rows: Sequence[Row], env: Env) -> list[dict[str, Any]]:
        outs: list[dict[str, Any]] = []
        for row in rows:
            out = template.copy()
            if read is not None:
                values = read(row)
                out.update(zip(plain_keys, (values,) if single else values, strict=True))
            for key, get in computed:
                out[key] = get(row, env)
            outs.append(out)
        return outs

    return write

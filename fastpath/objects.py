"""How a level's rows become dicts: one writer function per object plan, made once when
the plan is compiled, so writing a row is a dict built from positions, without a
per-value dispatch on entry kinds."""

from __future__ import annotations

from typing import Any

from fastpath.plan import ObjectPlan, Value, Write


def sealed(plan: ObjectPlan) -> ObjectPlan:
    """`plan` with its writer and the entries filled in after the rows (children)."""
    plan.later = [entry for entry in plan.entries if not isinstance(entry, Value)]
    plan.write = writer(plan)
    return plan


def writer(plan: ObjectPlan) -> Write:
    """One generated comprehension per plan, `[{"title": row[0], "__typename": c0,
    "grids": None} for row in rows]`, as graphql-jit compiles a query to functions: a dict
    display builds a 12-key object in a third of the time `dict(zip(keys, values))` or a
    template copy takes. Only response keys (through `repr`) and row positions enter the
    source; constants and getters are names bound in its namespace, never text."""
    names: dict[str, Any] = {}
    parts: list[str] = []
    for entry in plan.entries:
        expression = "None"  # a child, filled in later over the None that keeps its place
        if isinstance(entry, Value):
            if entry.constant is not None:
                expression = f"c{len(names)}"
                names[expression] = entry.constant
            elif entry.index is not None:
                expression = f"row[{int(entry.index)}]"
            else:
                name = f"g{len(names)}"
                names[name] = entry.get
                expression = f"{name}(row, env)"
        parts.append(f"{entry.key!r}: {expression}")
    source = "lambda rows, env: [{" + ", ".join(parts) + "} for row in rows]"
    write: Write = eval(source, {"__builtins__": {}, **names})
    return write

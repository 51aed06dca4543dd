"""The read model: how each GraphQL read field is fetched, declared once.

A scalar field of a table-backed type is declared with `read_field` on the Strawberry
type itself; the declaration (`Read`) rides in the field's metadata. Both executors read
it from there: the types' `from_row` (`row_values`) and the compiler (`fastpath.compile`,
through the schema it is handed). This package imports `models` and `domain` only, so
`schema` and `fastpath` both sit above it.
"""

from __future__ import annotations

from readmodel.fields import (
    READ,
    Bound,
    Read,
    bound_reads,
    read_field,
    read_from,
    row_values,
    stamp_field,
    table_of,
)

__all__ = [
    "READ",
    "Bound",
    "Read",
    "bound_reads",
    "read_field",
    "read_from",
    "row_values",
    "stamp_field",
    "table_of",
]

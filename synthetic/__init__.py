"""A deterministic, clearly labelled synthetic catalogue with the real data's shape.

`python -m server generate --packages N --seed S` fills the database with it, so the
server, loaders and benchmarks can be tried at Django Packages' size without a crawl.
Modules: `labels` (how synthetic rows are recognised), `vocabulary` (words and cell
texts), `stamps` (timestamps with Eastern offsets), `shape` (distributions), `build`
(pure row generation), `load` (bulk inserts), `progress` and `command` (the CLI).
"""

from __future__ import annotations

from synthetic.build import Chunk, Plan, build_catalogue, plan_for
from synthetic.labels import BASE_ID, LABEL, PREFIX
from synthetic.load import (
    GenerateError,
    IdCollision,
    Summary,
    SyntheticDataPresent,
    delete_synthetic,
    generate,
    synthetic_counts,
)

__all__ = [
    "BASE_ID",
    "LABEL",
    "PREFIX",
    "Chunk",
    "GenerateError",
    "IdCollision",
    "Plan",
    "Summary",
    "SyntheticDataPresent",
    "build_catalogue",
    "delete_synthetic",
    "generate",
    "plan_for",
    "synthetic_counts",
]

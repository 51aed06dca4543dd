"""The share of the suite's valid read documents the compiler plans, printed at the end of
the run with the reasons for the rest (`python -m tests.fastpath.coverage --list` lists
them). Issue 24 asks 95 %."""

from __future__ import annotations

from typing import Any

from core.db import Database
from tests.fastpath.coverage import COVERAGE_LINES, coverage

MINIMUM_SHARE = 0.95
"""Measured: 165 of 171 (96.5 %; 117 of 152 before fragments, directives, node, search,
rateLimit and comparison were compiled); the rest: the admin reads. Introspection, which
the issue leaves to Strawberry, is listed but not counted."""


def test_the_suite_read_documents_compile(graphql_schema: Any, database: Database) -> None:
    found = coverage(graphql_schema, database.dialect)
    COVERAGE_LINES[:] = [
        f"{line} [{database.dialect}]" if not line.startswith(" ") else line
        for line in found.lines()
    ]
    assert found.total > 100
    assert found.share >= MINIMUM_SHARE, "\n".join(found.lines())

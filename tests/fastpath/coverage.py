"""Which of the suite's valid read documents the compiler plans, and why not the rest
(issue 24 asks at least 95 % compiled). Static: each operation is planned, none is run.

    .venv/bin/python -m tests.fastpath.coverage [--dialect sqlite|postgresql]
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from graphql import OperationDefinitionNode, parse

from fastpath import PLANS
from fastpath.cache import NotCompiled
from tests.fastpath.documents import suite_documents

NOT_VALID = {"syntax error", "invalid document", "over the document limits"}
"""Reasons that say the document is not a valid read: the reference refuses it too."""
BY_DESIGN = {"introspection"}
"""Reasons the issue itself leaves to Strawberry: listed, not counted in the share."""
COVERAGE_LINES: list[str] = []
"""The last coverage measured in this test run, for the run's terminal summary."""


@dataclass
class Coverage:
    """Valid read operations of the suite: planned, or left to Strawberry with a reason."""

    compiled: list[str] = field(default_factory=list)
    reference: dict[str, str] = field(default_factory=dict)
    """document (with `#operation` when it holds several) -> the compiler's reason"""
    by_design: dict[str, str] = field(default_factory=dict)
    """the same, for the reasons of `BY_DESIGN`"""

    @property
    def total(self) -> int:
        return len(self.compiled) + len(self.reference)

    @property
    def share(self) -> float:
        return len(self.compiled) / self.total if self.total else 1.0

    def lines(self) -> list[str]:
        """The summary, then the reasons with how many operations each keeps out."""
        lines = [
            f"suite read documents compiled: {len(self.compiled)} of {self.total} "
            f"({100 * self.share:.1f} %)"
        ]
        for reason, count in Counter(self.reference.values()).most_common():
            lines.append(f"  not compiled, {reason}: {count}")
        for reason, count in Counter(self.by_design.values()).most_common():
            lines.append(f"  not counted, left to Strawberry by design, {reason}: {count}")
        return lines


def _operation_names(text: str) -> list[str | None]:
    operations = [d for d in parse(text).definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) <= 1:
        return [None]
    return [op.name.value if op.name else None for op in operations]


def coverage(schema: Any, dialect: str) -> Coverage:
    found = Coverage()
    for text in suite_documents():
        for name in _operation_names(text):
            label = text if name is None else f"{text}#{name}"
            entry = PLANS.get(schema, text, name, dialect)
            if not isinstance(entry, NotCompiled):
                found.compiled.append(label)
            elif entry.reason in BY_DESIGN:
                found.by_design[label] = entry.reason
            elif entry.reason not in NOT_VALID:
                found.reference[label] = entry.reason
    return found


def main(argv: list[str] | None = None) -> None:
    from execution import build_schema

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dialect", default="sqlite", choices=("sqlite", "postgresql"))
    parser.add_argument("--list", action="store_true", help="print each document left out")
    args = parser.parse_args(argv)
    found = coverage(build_schema(), args.dialect)
    print("\n".join(found.lines()))
    if args.list:
        for text, reason in {**found.reference, **found.by_design}.items():
            print(f"\n# {reason}\n{text.strip()}")


if __name__ == "__main__":
    main()

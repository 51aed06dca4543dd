"""The README's GraphQL examples, read from it: GraphiQL's saved tabs and the tests that run
every example share this one source, so the two cannot drift apart.

An example is a fenced block whose info string starts with `graphql`; a second word
names the token it needs beyond a mutation's usual write scope (`graphql admin-token`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from core.settings import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
_FENCE = re.compile(r"^```graphql(?:[ \t]+([\w-]+))?[ \t]*\n(.*?)^```", re.M | re.S)
_OPERATION = re.compile(r"\A\s*(query|mutation|subscription)\b\s*([_A-Za-z]\w*)?")


@dataclass(frozen=True)
class Example:
    document: str
    marker: str | None
    """The fence's second word, e.g. "admin-token"."""

    @property
    def operation(self) -> str:
        """query, mutation or subscription (a bare `{ ... }` is a query)."""
        found = _OPERATION.match(self.document)
        return found[1] if found else "query"

    @property
    def name(self) -> str | None:
        found = _OPERATION.match(self.document)
        return found[2] if found else None


def read_examples(path: Path) -> tuple[Example, ...]:
    """Every GraphQL block of a Markdown file, in order; none when it is not there."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:  # an install without the README: GraphiQL opens with an empty tab
        return ()
    return tuple(Example(document, marker or None) for marker, document in _FENCE.findall(text))


@cache
def readme_examples() -> tuple[Example, ...]:
    return read_examples(README)

"""The attacks of issue 14, each a request and the answer it must get: shared by the
attack test (tests/server/test_attacks.py) and benchmarks/protection.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def fragment_bomb(fragments: int) -> str:
    """Each fragment spreads the next one twice: 2**fragments fields once spread."""
    definitions = " ".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(fragments)
    )
    return f"{{ ...F0 }} {definitions} fragment F{fragments} on Query {{ __typename }}"


THREE_LEVELS = (
    "{ packages(first: 100) { nodes { participants(first: 100) { nodes { "
    "packages(first: 100) { nodes { participants(first: 100) { nodes { login } } } } } } } } }"
)
SIX_LEVELS = (
    "{ categories { nodes { packages(first: 100) { nodes { grids { packages(first: 100) "
    "{ nodes { grids { packages(first: 100) { nodes { title } } } } } } } } } } }"
)
ALIASED = (
    "{ "
    + " ".join(
        f"a{i}: packages(first: 100) {{ nodes {{ participants(first: 100) "
        f"{{ nodes {{ login }} }} }} }}"
        for i in range(30)
    )
    + " }"
)
NESTED_SAME = "{ packages { nodes { " + " ".join(["grids { slug title }"] * 600) + " } } }"


@dataclass(frozen=True)
class Attack:
    name: str
    request: dict[str, Any]  # httpx.post keyword arguments
    status: int
    code: str
    before: str  # what it did before issue 14 (the issue's measurements)


ATTACKS = [
    Attack(
        "fragment doubling, 20 fragments",
        {"json": {"query": fragment_bomb(20)}},
        200,
        "GRAPHQL_VALIDATION_FAILED",
        "event loop blocked 8.1 s",
    ),
    Attack(
        "fragment doubling, 30 fragments",
        {"json": {"query": fragment_bomb(30)}},
        200,
        "GRAPHQL_VALIDATION_FAILED",
        "hung for minutes",
    ),
    Attack(
        "fragment doubling, 1,000 fragments",
        {"json": {"query": fragment_bomb(1000)}},
        200,
        "GRAPHQL_PARSE_FAILED",
        "hung",
    ),
    Attack(
        "packages > participants > packages > participants (100 each)",
        {"json": {"query": THREE_LEVELS}},
        200,
        "QUERY_TOO_COMPLEX",
        "57 s, 41 s CPU, 1.0 GB",
    ),
    Attack(
        "categories > packages > grids > packages > grids > packages",
        {"json": {"query": SIX_LEVELS}},
        200,
        "QUERY_TOO_COMPLEX",
        "103 s",
    ),
    Attack(
        "30 aliases of packages(first: 100) > participants(first: 100)",
        {"json": {"query": ALIASED}},
        200,
        "QUERY_TOO_COMPLEX",
        "multiplied any query by 30",
    ),
    Attack(
        "600 x grids { slug title } (quadratic validation)",
        {"json": {"query": NESTED_SAME}},
        200,
        "GRAPHQL_VALIDATION_FAILED",
        "event loop blocked 1.2 s",
    ),
    Attack(
        "nodes(ids:) with 100,000 ids",
        {
            "json": {
                "query": "query($i: [ID!]!) { nodes(ids: $i) { id } }",
                "variables": {"i": ["x"] * 100_000},
            }
        },
        400,
        "BAD_USER_INPUT",
        "all 100,000 taken",
    ),
    Attack(
        "10 MB body",
        {
            "content": b"{" + b" " * 10_000_000 + b"}",
            "headers": {"content-type": "application/json"},
        },
        413,
        "PAYLOAD_TOO_LARGE",
        "read whole (400 MB: 1.24 GB RSS)",
    ),
]

"""The README's subscription examples are valid against the schema."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import parse, validate

README = Path(__file__).resolve().parents[2] / "README.md"
SUBSCRIPTIONS = re.findall(r"```graphql\n(subscription.*?)```", README.read_text(), flags=re.S)


def test_the_readme_subscriptions_validate(graphql_schema):
    assert SUBSCRIPTIONS
    for document in SUBSCRIPTIONS:
        assert validate(graphql_schema._schema, parse(document)) == []

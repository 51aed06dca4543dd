"""The README's webhook example is a valid mutation whose document is a valid subscription.

Its fence is "graphql admin-token": it needs an admin token and a public receiver, so the
README tests that run examples on the demo data leave it to this one."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from graphql import parse, validate

README = Path(__file__).resolve().parents[2] / "README.md"
EXAMPLES = [
    block
    for block in re.findall(r"```graphql admin-token\n(.*?)```", README.read_text(), flags=re.S)
    if "createWebhook" in block
]


def test_the_readme_webhook_example_validates(graphql_schema: Any) -> None:
    [example] = EXAMPLES
    assert validate(graphql_schema._schema, parse(example)) == []
    [document] = re.findall(r'document: "(.*?)"\n', example)
    assert validate(graphql_schema._schema, parse(document)) == []

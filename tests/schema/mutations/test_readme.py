"""The README's mutation examples run as written on the demo data."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[3] / "README.md"
MUTATIONS = re.findall(r"```graphql\n(mutation.*?)```", README.read_text(), flags=re.S)


def test_the_readme_has_mutation_examples():
    assert MUTATIONS


async def test_each_readme_mutation_runs(demo, gql, tokens):
    for document in MUTATIONS:
        answer = await gql(document, token=tokens.write)
        assert "errors" not in answer, answer
        assert all(value is not None for value in answer["data"].values())

"""The GraphiQL page's saved tabs are the README's GraphQL examples, embedded safely.

That every example answers is tested in test_examples_answer.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from core.settings import PROJECT_ROOT
from server.graphql_http.examples import Example, read_examples
from server.graphql_http.graphiql import EXAMPLE_QUERIES, graphiql_page


def test_page_embeds_every_example_safely():
    page = graphiql_page(("query X { a }", "</script><script>alert(1)</script>"))
    assert "<\\/script><script>alert(1)<\\/script>" in page
    assert "</script><script>alert" not in page


def test_the_tabs_are_the_readme_examples_in_its_order():
    readme = (PROJECT_ROOT / "README.md").read_text()
    blocks = re.findall(r"^```graphql[^\n]*\n(.*?)^```", readme, flags=re.S | re.M)
    assert list(EXAMPLE_QUERIES) == blocks and len(blocks) >= 10
    tabs = re.search(r"const tabs = (\[.*?\]);\n", graphiql_page())
    assert tabs and json.loads(tabs[1]) == blocks


def test_fences_name_the_token_an_example_needs(tmp_path: Path):
    markdown = tmp_path / "doc.md"
    markdown.write_text(
        "```graphql\nquery A { a }\n```\n\n```sh\nnot graphql\n```\n"
        "```graphql admin-token\nmutation B { b }\n```\n```graphql\n{ c }\n```\n"
    )
    assert read_examples(markdown) == (
        Example("query A { a }\n", None),
        Example("mutation B { b }\n", "admin-token"),
        Example("{ c }\n", None),
    )
    assert [(e.operation, e.name) for e in read_examples(markdown)] == [
        ("query", "A"),
        ("mutation", "B"),
        ("query", None),
    ]
    assert read_examples(tmp_path / "missing.md") == ()

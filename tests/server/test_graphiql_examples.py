"""Every saved GraphiQL tab is a working query (they are the README's examples too)."""

from __future__ import annotations

import pytest

from server.graphiql import EXAMPLE_QUERIES, graphiql_page


@pytest.mark.parametrize("query", EXAMPLE_QUERIES, ids=lambda q: q.split()[1].split("(")[0])
async def test_example_query_runs_cleanly_on_the_demo_data(demo, execute, query):
    result = await execute(query)
    assert result.errors is None, result.errors
    assert result.data


def test_page_embeds_every_example_safely():
    page = graphiql_page(("query X { a }", "</script><script>alert(1)</script>"))
    assert "<\\/script><script>alert(1)<\\/script>" in page
    assert "</script><script>alert" not in page

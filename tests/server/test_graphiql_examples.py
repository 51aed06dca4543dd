"""The GraphiQL page embeds its saved tabs safely.

That every tab answers on a first-start database is tested in test_examples_answer.py.
"""

from __future__ import annotations

from server.graphiql import graphiql_page


def test_page_embeds_every_example_safely():
    page = graphiql_page(("query X { a }", "</script><script>alert(1)</script>"))
    assert "<\\/script><script>alert(1)<\\/script>" in page
    assert "</script><script>alert" not in page

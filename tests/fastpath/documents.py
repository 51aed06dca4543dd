"""The GraphQL documents the differential tests replay: the benchmark's workloads, the
README's and GraphiQL's examples, and every query document written in the test suite."""

from __future__ import annotations

import ast

from graphql import (
    FragmentDefinitionNode,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    OperationType,
    parse,
)

from core.settings import PROJECT_ROOT
from server.graphql_http.examples import readme_examples

TESTS = PROJECT_ROOT / "tests"


def _is_query_document(text: str) -> bool:
    if not text.lstrip().startswith(("{", "query", "fragment")):
        return False
    try:
        document = parse(text)
    except GraphQLSyntaxError:
        return False
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return bool(operations) and all(
        isinstance(d, FragmentDefinitionNode)
        or (isinstance(d, OperationDefinitionNode) and d.operation is OperationType.QUERY)
        for d in document.definitions
    )


def suite_documents() -> list[str]:
    """Every string literal in tests/ (outside tests/fastpath) that is a query document."""
    found: dict[str, None] = {}
    for path in sorted(TESTS.rglob("*.py")):
        if "fastpath" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if _is_query_document(node.value):
                    found[node.value] = None
    return list(found)


def example_documents() -> list[str]:
    """The README's query examples (GraphiQL's tabs are the same documents)."""
    return [
        example.document for example in readme_examples() if _is_query_document(example.document)
    ]

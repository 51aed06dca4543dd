"""The client-shaped corpus: every document as a GraphQL client sends it (issue 24).

`tests/fastpath/corpus/<tool>/<Name>.graphql` holds the text a client sent, captured from
the client itself by `tests/clients/node/corpus.mjs` (Apollo Client, urql, Graphcache,
relay-compiler's artifacts, GraphQL Code Generator's string documents, examples/app.js),
and `<Name>.json` the operation name and variables it sent with it. The GraphiQL tabs are
read from the README, as GraphiQL reads them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from server.graphql_http.examples import readme_examples

CORPUS = Path(__file__).resolve().parent / "corpus"
TOOLS = ("apollo", "urql", "graphcache", "relay", "codegen", "app", "graphiql")


@dataclass(frozen=True)
class Document:
    """One request of the corpus: `key` is `<tool>/<name>`."""

    tool: str
    name: str
    query: str
    operation_name: str | None = None
    variables: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.tool}/{self.name}"

    def body(self) -> dict[str, Any]:
        """The POST body the client sent."""
        body: dict[str, Any] = {"query": self.query, "variables": self.variables}
        if self.operation_name is not None:
            body["operationName"] = self.operation_name
        return body


def _captured(tool: str) -> list[Document]:
    documents = []
    for path in sorted((CORPUS / tool).glob("*.graphql")):
        meta = json.loads(path.with_suffix(".json").read_text())
        documents.append(
            Document(tool, path.stem, path.read_text(), meta["operationName"], meta["variables"])
        )
    return documents


EDITOR_OPERATIONS = ("PackageWithRelations", "PackagePages", "GridsWithPackages")
"""Run from one editor holding every query tab: GraphiQL sends the whole text and the
operation's name."""


def _graphiql() -> list[Document]:
    """The README's query examples: GraphiQL's saved tabs, sent as they are, and one editor
    holding them all, run an operation at a time."""
    tabs = [example for example in readme_examples() if example.operation == "query"]
    editor = "\n".join(example.document for example in tabs)
    return [
        *(Document("graphiql", example.name or "anonymous", example.document) for example in tabs),
        *(Document("graphiql", f"Editor-{name}", editor, name) for name in EDITOR_OPERATIONS),
    ]


def corpus(tool: str) -> list[Document]:
    return _graphiql() if tool == "graphiql" else _captured(tool)

"""The GraphiQL page: self-hosted assets, and the README's GraphQL examples as saved tabs."""

from __future__ import annotations

import json
from pathlib import Path

from server.graphql_http.examples import readme_examples

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
ASSETS_URL = "/static/graphiql"

EXAMPLE_QUERIES: tuple[str, ...] = tuple(example.document for example in readme_examples())
"""The README's GraphQL examples, in its order: each becomes a tab the first time someone
opens GraphiQL (GraphiQL names a tab after the operation)."""

_PAGE = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="robots" content="noindex">
    <title>dpgraph · GraphiQL</title>
    <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
    <link rel="stylesheet" href="{assets}/graphiql.min.css">
    <link rel="stylesheet" href="{assets}/plugin-explorer.css">
    <script src="{assets}/react.production.min.js"></script>
    <script src="{assets}/react-dom.production.min.js"></script>
    <script src="{assets}/graphiql.min.js"></script>
    <script src="{assets}/plugin-explorer.umd.js"></script>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <script>
      const endpoint = window.location.href.split("?")[0];
      const subscriptionUrl = endpoint.replace(/^http/, "ws");
      const fetcher = GraphiQL.createFetcher({ url: endpoint, subscriptionUrl });
      const tabs = {tabs};
      const explorer = GraphiQLPluginExplorer.explorerPlugin();
      ReactDOM.createRoot(document.getElementById("graphiql")).render(
        React.createElement(GraphiQL, {
          fetcher,
          defaultTabs: tabs.map((query) => ({ query })),
          defaultQuery: tabs[0],
          plugins: [explorer],
          isHeadersEditorEnabled: true,
          shouldPersistHeaders: false,
        }),
      );
    </script>
  </body>
</html>
"""


def graphiql_page(queries: tuple[str, ...] = EXAMPLE_QUERIES) -> str:
    tabs = json.dumps(list(queries)).replace("</", "<\\/")  # no early </script>
    return _PAGE.replace("{assets}", ASSETS_URL).replace("{tabs}", tabs)

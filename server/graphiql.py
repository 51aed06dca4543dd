"""The GraphiQL page: self-hosted assets, and the README's example queries as saved tabs."""

from __future__ import annotations

import json
from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"
ASSETS_URL = "/static/graphiql"

# Each becomes a tab the first time someone opens GraphiQL (GraphiQL names a tab after
# the operation). Kept in step with the README's examples.
EXAMPLE_QUERIES: tuple[str, ...] = (
    """query PackageWithRelations {
  package(slug: "django-shop") {
    id
    databaseId
    title
    repoWatchers
    isActive
    pypiName
    commitsLastYear
    category { title isFetched }
    grids { databaseId title }
    participants(first: 3) {
      totalCount
      nodes { login avatarUrl packageCount }
    }
  }
}""",
    """query FilteredSortedPackages($after: String) {
  packages(
    first: 10
    after: $after
    filter: { search: "django", repoWatchers: { min: 100 }, hasPypi: true }
    orderBy: { field: WATCHERS, direction: DESC }
  ) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { slug title repoWatchers lastUpdated } }
  }
}""",
    """query Search {
  search(query: "django", first: 10) {
    __typename
    ... on Package { slug title score }
    ... on Grid { gridSlug: slug gridTitle: title }
  }
}""",
    """query NodesById {
  nodes(ids: ["UGFja2FnZTo2MzE=", "R3JpZDo0MQ=="]) {
    id
    ... on Package { title }
    ... on Grid { databaseId isFetched }
  }
}""",
    """query GridComparison {
  grids(first: 5, filter: { minPackageCount: 1 }) {
    nodes {
      slug
      title
      packages(first: 10, orderBy: { field: WATCHERS }) { totalCount nodes { title } }
      comparison(first: 10) {
        features { title }
        rows {
          package { title }
          cells { text rating { sign intensity note } }
        }
      }
    }
  }
}""",
    """query CategoryAndParticipant {
  category(slug: "apps") {
    titlePlural
    packages(first: 5, orderBy: { field: WATCHERS, direction: DESC }) {
      totalCount
      nodes { title repoWatchers }
    }
  }
  participant(login: "nemesifier") {
    profileUrl
    packageCount
    packages { nodes { slug } }
  }
}""",
)

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

"""The benchmark's workloads: four GraphQL POSTs a frontend makes (and three of them as a
client library shapes them), and how their inputs are chosen.

Kept apart from the runner so the speed work (and a differential test that compares an
optimised server with today's answers) can import the exact documents. Each document is a
named operation; the floor server routes on that name.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

PAGE_MAX = 100
"""The server's largest page (Settings.max_page_size): "all participants" is first: 100."""

W2_PACKAGES = 100
W2_PARTICIPANTS = 20


@dataclass(frozen=True)
class Workload:
    """One benchmarked request: a named GraphQL operation and what it stands for."""

    name: str
    summary: str
    query: str
    variables: dict[str, Any] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        """The JSON body of the POST, as a client sends it."""
        body: dict[str, Any] = {"query": self.query, "operationName": self.name}
        if self.variables:
            body["variables"] = self.variables
        return body

    def with_variables(self, variables: dict[str, Any]) -> Workload:
        return Workload(self.name, self.summary, self.query, variables)


W1_QUERY = """query W1($slug: String!) {
  package(slug: $slug) {
    title
    slug
    repoUrl
    repoDescription
    pypiVersion
    repoWatchers
    repoForks
    score
    documentationUrl
    lastUpdated
    commitsOver52
    category { title }
    grids { title slug }
    participants(first: 100) { nodes { login } }
  }
}"""

W2_QUERY = """query W2 {
  packages(first: 100, orderBy: {field: WATCHERS, direction: DESC}) {
    nodes {
      title
      slug
      repoWatchers
      category { title }
      grids { title slug }
      participants(first: 20) { nodes { login } }
    }
  }
}"""

W3_QUERY = """query W3($slug: String!) {
  grid(slug: $slug) {
    title
    slug
    description
    features { id title description }
    packages(first: 100) {
      nodes {
        title
        slug
        repoWatchers
        pypiVersion
        participants(first: 100) { nodes { login } }
      }
    }
    rows(first: 100) {
      package { slug }
      elements { feature { id } text }
    }
  }
}"""

W4_QUERY = "query W4 { __typename }"

WORKLOADS: dict[str, Workload] = {
    "W1": Workload(
        "W1",
        "one package page: fields, category, grids, all participants",
        W1_QUERY,
    ),
    "W2": Workload(
        "W2",
        "100 packages by watchers with category, grids, 20 participants",
        W2_QUERY,
    ),
    "W3": Workload(
        "W3",
        "the largest grid: features, packages with participants, every cell",
        W3_QUERY,
    ),
    "W4": Workload("W4", "{ __typename }: the fixed cost of a request", W4_QUERY),
}
"""The documents without their variables; `choose` fills in the slugs."""

# The same pages as an Apollo Client app sends them (issue 24): named fragments, spread
# where they are used, and `__typename` added by the client to every selection set but the
# operation's root. W1C reaches its package through `node(id:)` and an inline fragment, as
# a Relay or Apollo app that keeps global ids does.
_CONTRIBUTOR = """fragment Contributor on Participant {
  login
  __typename
}"""

W1C_QUERY = (
    """query W1C($id: ID!) {
  node(id: $id) {
    __typename
    id
    ... on Package {
      ...PackagePage
      __typename
    }
  }
}

fragment PackagePage on Package {
  title
  slug
  repoUrl
  repoDescription
  pypiVersion
  repoWatchers
  repoForks
  score
  documentationUrl
  lastUpdated
  commitsOver52
  category {
    ...CategoryName
    __typename
  }
  grids {
    ...GridLink
    __typename
  }
  participants(first: 100) {
    nodes {
      ...Contributor
      __typename
    }
    __typename
  }
  __typename
}

fragment CategoryName on Category {
  title
  __typename
}

fragment GridLink on Grid {
  title
  slug
  __typename
}

"""
    + _CONTRIBUTOR
)

W2C_QUERY = (
    """query W2C {
  packages(first: 100, orderBy: {field: WATCHERS, direction: DESC}) {
    nodes {
      ...PackageRow
      __typename
    }
    __typename
  }
}

fragment PackageRow on Package {
  title
  slug
  repoWatchers
  category {
    title
    __typename
  }
  grids {
    title
    slug
    __typename
  }
  participants(first: 20) {
    nodes {
      ...Contributor
      __typename
    }
    __typename
  }
  __typename
}

"""
    + _CONTRIBUTOR
)

W3C_QUERY = (
    """query W3C($slug: String!) {
  grid(slug: $slug) {
    ...GridPage
    __typename
  }
}

fragment GridPage on Grid {
  title
  slug
  description
  features {
    ...FeatureColumn
    __typename
  }
  packages(first: 100) {
    nodes {
      ...GridPackage
      __typename
    }
    __typename
  }
  rows(first: 100) {
    package {
      slug
      __typename
    }
    elements {
      feature {
        id
        __typename
      }
      text
      __typename
    }
    __typename
  }
  __typename
}

fragment FeatureColumn on Feature {
  id
  title
  description
  __typename
}

fragment GridPackage on Package {
  title
  slug
  repoWatchers
  pypiVersion
  participants(first: 100) {
    nodes {
      ...Contributor
      __typename
    }
    __typename
  }
  __typename
}

"""
    + _CONTRIBUTOR
)

CLIENT_WORKLOADS: dict[str, Workload] = {
    "W1C": Workload("W1C", "W1 as a client sends it, through node(id:)", W1C_QUERY),
    "W2C": Workload("W2C", "W2 as a client sends it", W2C_QUERY),
    "W3C": Workload("W3C", "W3 as a client sends it", W3C_QUERY),
}
"""The client-shaped form of W1-W3 (same rows, plus `__typename` and W1C's `id`), beside
the plain ones; `choose_clients` fills in their variables."""

# Portable SQL (PostgreSQL and SQLite), so a test on either database picks the same rows.
W1_PACKAGE_SQL = """
SELECT p.slug
FROM package AS p
JOIN (SELECT package_id, count(*) AS n FROM package_participant GROUP BY package_id) AS pc
  ON pc.package_id = p.id
WHERE (SELECT count(*) FROM grid_package AS gp WHERE gp.package_id = p.id) >= 3
  AND pc.n <= :page_max
ORDER BY pc.n DESC, p.id
LIMIT 1
"""
"""W1's package: the most participants among those in 3 or more grids, among the packages
whose participants fit one page (first: 100), so one request returns all of them."""

W3_GRID_SQL = """
SELECT g.slug
FROM grid AS g
JOIN grid_package AS gp ON gp.grid_id = g.id
WHERE g.slug IS NOT NULL
GROUP BY g.id, g.slug
ORDER BY count(*) DESC, g.id
LIMIT 1
"""
"""W3's grid: the one with the most packages (the lowest id among equals)."""


async def choose(connection: AsyncConnection) -> dict[str, Workload]:
    """Every workload with its variables filled in from the rows in the database."""
    package = (await connection.execute(text(W1_PACKAGE_SQL), {"page_max": PAGE_MAX})).scalar()
    grid = (await connection.execute(text(W3_GRID_SQL))).scalar()
    if package is None or grid is None:
        raise LookupError("no package in 3 or more grids, or no grid with packages: load data")
    chosen = dict(WORKLOADS)
    chosen["W1"] = WORKLOADS["W1"].with_variables({"slug": package})
    chosen["W3"] = WORKLOADS["W3"].with_variables({"slug": grid})
    return chosen


def global_id(type_name: str, database_id: int) -> str:
    """The Relay id the server gives a row: base64 of `Type:id`."""
    return base64.b64encode(f"{type_name}:{database_id}".encode()).decode()


async def choose_clients(connection: AsyncConnection) -> dict[str, Workload]:
    """The client-shaped workloads, on the rows `choose` picks (W1C by W1's package id)."""
    plain = await choose(connection)
    slug = plain["W1"].variables["slug"]
    found = await connection.execute(text("SELECT id FROM package WHERE slug = :s"), {"s": slug})
    package_id = found.scalar_one()
    return {
        "W1C": CLIENT_WORKLOADS["W1C"].with_variables({"id": global_id("Package", package_id)}),
        "W2C": CLIENT_WORKLOADS["W2C"],
        "W3C": CLIENT_WORKLOADS["W3C"].with_variables(plain["W3"].variables),
    }

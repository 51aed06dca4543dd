"""Times the workloads in-process, reference vs compiled: `python -m tests.fastpath.measure
[DATABASE_URL] [REPEATS]` (default: the dpgraph_lead catalogue on local PostgreSQL, 50).

W1A is W1 as Apollo Client sends it: a named fragment and `__typename` in every
selection set; S a `search` (a union, fragments per type); C W3's grid as a comparison
matrix."""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

from benchmarks.workloads import Workload, choose
from core.db import Database
from core.settings import Settings
from execution import build_schema
from schema.context import Context

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/dpgraph_lead"

APOLLO_W1 = """query W1($slug: String!) {
  package(slug: $slug) { __typename ...PackagePage }
}
fragment PackagePage on Package {
  title slug repoUrl repoDescription pypiVersion repoWatchers repoForks score
  documentationUrl lastUpdated commitsOver52
  category { __typename title }
  grids { __typename title slug }
  participants(first: 100) { __typename nodes { __typename login } }
}"""

SEARCH = """query S($q: String!) {
  search(query: $q, first: 20) {
    __typename ... on Package { slug title score } ... on Grid { gridSlug: slug name: title }
  }
}"""

COMPARISON = """query C($slug: String!) {
  grid(slug: $slug) {
    comparison(first: 100) {
      features { title }
      rows { package { slug } cells { text rating { sign intensity } } }
    }
  }
}"""


def _values(data: Any) -> int:
    """Field values in an answer (leaves and objects), the unit the issue counts."""
    if isinstance(data, dict):
        return len(data) + sum(_values(v) for v in data.values() if isinstance(v, dict | list))
    if isinstance(data, list):
        return sum(_values(v) for v in data)
    return 0


async def main(url: str, repeats: int) -> None:
    schema = build_schema()
    paths = {}
    for compiled in (False, True):
        settings = Settings(
            database_url=url,
            load_demo_data=False,
            redis_url=None,
            compiled_execution=compiled,
            _env_file=None,
        )
        paths["compiled" if compiled else "reference"] = settings
    db = Database.from_settings(paths["reference"])
    async with db.engine.connect() as connection:
        workloads = await choose(connection)
    w1 = workloads["W1"]
    workloads["W1A"] = Workload("W1", "W1, Apollo's shape", APOLLO_W1, w1.variables)
    workloads["S"] = Workload("S", "search", SEARCH, {"q": "django"})
    workloads["C"] = Workload("C", "comparison", COMPARISON, workloads["W3"].variables)
    print(f"{'':4} {'values':>7} {'reference µs':>13} {'compiled µs':>12} {'speed-up':>9}")
    for name, workload in workloads.items():
        timings = {}
        values = 0
        for path, settings in paths.items():

            async def once(settings: Settings = settings, workload: Any = workload) -> Any:
                context = Context.create(db=db, settings=settings)
                return await schema.execute(
                    workload.query,
                    variable_values=workload.variables,
                    context_value=context,
                    operation_name=workload.name,
                )

            result = await once()  # warm: plan, documents, statement caches
            assert result.errors is None, result.errors
            values = _values(result.data)
            start = time.perf_counter()
            for _ in range(repeats):
                await once()
            timings[path] = (time.perf_counter() - start) / repeats * 1e6
        ref, fast = timings["reference"], timings["compiled"]
        print(
            f"{name:4} {values:7d} {ref:13.0f} {fast:12.0f} {ref / fast:8.1f}x"
            f"   per value: {ref / max(values, 1):.1f} -> {fast / max(values, 1):.1f} µs"
        )
    await db.dispose()


if __name__ == "__main__":
    asyncio.run(
        main(
            sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL,
            int(sys.argv[2]) if len(sys.argv) > 2 else 50,
        )
    )

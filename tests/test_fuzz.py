"""A bounded property-based fuzz of /graphql (schemathesis' GraphQL mode, issue 14):
generated queries and mutations over every root field of the committed schema, sent to
a real server process. No answer is a 500, an unmasked error, or an error without a
code; no generated input makes the server fail (INTERNAL_SERVER_ERROR)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import schemathesis.graphql
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.graphql import nodes

from tests.server_process import RunningServer, running_server

ROOT = Path(__file__).resolve().parent.parent
schemathesis.graphql.scalar(
    "DateTime",
    st.datetimes().map(lambda moment: nodes.String(moment.isoformat() + "Z")),
)
schemathesis.graphql.scalar("JSON", st.text(max_size=20).map(nodes.String))


def _hostile_cursors() -> st.SearchStrategy[str]:
    """Cursors this server could have made for a list's default order (the one a fuzzed
    `orderBy` most often leaves), holding ids no column holds (issue 22: 2^63 answered
    INTERNAL_SERVER_ERROR)."""
    from loaders.cursors import encode_cursor

    orderings = st.sampled_from(["package:ID_ASC", "grid:ID_ASC", "category:ID_ASC"])
    numbers = st.sampled_from([2**63, 2**31, -(2**63)])
    return st.builds(lambda name, number: encode_cursor(name, (number,)), orderings, numbers)


def _hostile_global_ids() -> st.SearchStrategy[str]:
    from strawberry.relay import GlobalID

    kinds = st.sampled_from(["Package", "Grid", "Category", "Participant"])
    numbers = st.sampled_from([2**31, 2**63, 2**64 + 1, -(2**63)])
    return st.builds(lambda kind, number: str(GlobalID(kind, str(number))), kinds, numbers)


_CONTROL = st.text(alphabet=st.characters(max_codepoint=0x9F, categories=["Cc"]), min_size=1)
HOSTILE_TEXT = st.one_of(
    st.text(),
    _hostile_cursors(),
    _hostile_global_ids(),
    st.builds(lambda text, control: text + control, st.text(max_size=5), _CONTROL),
    st.integers(min_value=200, max_value=60_000).map(lambda n: "x" * n),
)
"""Strings and ids as a hostile client sends them, besides any text."""
schemathesis.graphql.scalar("String", HOSTILE_TEXT.map(nodes.String))
schemathesis.graphql.scalar("ID", HOSTILE_TEXT.map(nodes.String))
SCHEMA = schemathesis.graphql.from_path(str(ROOT / "schema.graphql"))
EXAMPLES_PER_FIELD = 25
"""Valid and invalid arguments both (wrong types, missing inputs): ~800 requests, ~15 s."""


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    workdir = tmp_path_factory.mktemp("fuzz")
    env = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'fuzz.db'}",
        "RATE_LIMIT_POINTS": "0",  # the fuzz is one client sending hundreds of requests
    }
    with running_server(workdir, env) as server:
        yield server


def _check(response: Any) -> None:
    assert response.status_code < 500, response.text[:500]
    body = response.json()
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        assert code, f"an error without a code: {error}"
        assert code != "INTERNAL_SERVER_ERROR", f"the server failed on: {error}"
        assert "Traceback" not in error["message"] and 'File "' not in error["message"]


@SCHEMA.parametrize()
@settings(
    max_examples=EXAMPLES_PER_FIELD,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_fuzzed_operations_get_clear_answers(case: Any, fuzzed: RunningServer) -> None:
    _check(case.call(base_url=f"{fuzzed.url}/graphql"))

"""Every attack of issue 14 against a real server process with the production defaults:
each is answered with its clear error within a bounded time, and between attacks the
server is free again (`/healthz` within 100 ms: nothing left running)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.attacks import ATTACKS, Attack
from tests.server_process import RunningServer, running_server

ANSWER_WITHIN_SECONDS = 10.0  # the request deadline's default: nothing may need more
LIVENESS_SECONDS = 0.1


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    workdir = tmp_path_factory.mktemp("attacks")
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'attacks.db'}"}
    with running_server(workdir, env) as server:
        yield server


def _code(response: httpx.Response) -> str | None:
    errors = response.json().get("errors") or [{}]
    return (errors[0].get("extensions") or {}).get("code")


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_an_attack_is_refused_and_leaves_the_server_free(
    target: RunningServer, attack: Attack
) -> None:
    with httpx.Client(base_url=target.url, timeout=ANSWER_WITHIN_SECONDS) as client:
        response = client.post("/graphql", **attack.request)
        assert (response.status_code, _code(response)) == (attack.status, attack.code)
        assert "data" not in response.json() or response.json()["data"] is None
        started = time.perf_counter()
        assert client.get("/healthz").status_code == 200
        assert time.perf_counter() - started < LIVENESS_SECONDS

"""Every attack of `tests.attacks` against a real server process with the production
defaults: each is answered with its clear error within a second, and while it runs
another client's `{ __typename }` is answered within 100 ms (nothing blocks the loop)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.attacks import (
    ATTACKS,
    Attack,
    answer_code,
    attacker_address,
    client_from,
    during,
    encoded,
    frozen_tcp_server,
)
from tests.server_process import RunningServer, running_server

ANSWER_WITHIN_SECONDS = 1.0
BYSTANDER_WITHIN_SECONDS = 0.1


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    workdir = tmp_path_factory.mktemp("attacks")
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'attacks.db'}"}
    with running_server(workdir, env) as server:
        yield server


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_an_attack_is_refused_while_others_are_served(
    target: RunningServer, attack: Attack
) -> None:
    request = encoded(attack.request)  # encoded before the clock starts
    with client_from(attacker_address(), target.url, timeout=30.0) as client:
        response, took, bystander = during(
            target.url, lambda: client.request(attack.method, attack.path, **request)
        )
    assert (response.status_code, answer_code(response)) == (attack.status, attack.code)
    assert not any((response.json().get("data") or {}).values())  # nothing was answered
    assert took < ANSWER_WITHIN_SECONDS, f"answered in {took:.2f} s"
    assert not bystander.failures
    assert bystander.slowest < BYSTANDER_WITHIN_SECONDS, (
        f"{{ __typename }} took {bystander.slowest * 1000:.0f} ms meanwhile"
    )


FROZEN_REDIS_REQUESTS = 10


def test_a_frozen_redis_neither_slows_requests_nor_passes_for_ready(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Issue 22: with Redis accepting connections and never answering, every request took
    2 s longer and /readyz said "redis ok". Now the limits fail open after
    REDIS_TIMEOUT_SECONDS and skip Redis for a while, and /readyz says down at once."""
    workdir = tmp_path_factory.mktemp("frozen-redis")
    with frozen_tcp_server() as port:
        env = {
            "DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'frozen.db'}",
            "REDIS_URL": f"redis://127.0.0.1:{port}/0",
        }
        with running_server(workdir, env) as server:
            query = encoded({"json": {"query": "{ packages(first: 5) { nodes { slug } } }"}})
            with client_from(attacker_address(), server.url, timeout=30.0) as client:

                def requests() -> list[httpx.Response]:
                    return [client.post("/graphql", **query) for _ in range(FROZEN_REDIS_REQUESTS)]

                answers, took, bystander = during(server.url, requests)
                ready = client.get("/readyz")
    assert [a.status_code for a in answers] == [200] * FROZEN_REDIS_REQUESTS
    assert took < FROZEN_REDIS_REQUESTS * ANSWER_WITHIN_SECONDS / 2, f"{took:.2f} s"
    assert not bystander.failures
    assert bystander.slowest < ANSWER_WITHIN_SECONDS, f"{bystander.slowest:.2f} s"
    assert ready.status_code == 503
    assert ready.json()["redis"] == "down"
    assert ready.elapsed.total_seconds() < ANSWER_WITHIN_SECONDS
